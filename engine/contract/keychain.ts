/** The desktop app's keychain secrets (SPEC §10): what a `${keychain:NAME}` may name. */

/**
 * A keychain secret's name, as `${keychain:NAME}` writes it: a variable name (letters, digits,
 * `_`, not starting with a digit), so it reads like its `${env:NAME}` sibling.
 */
export const KEYCHAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names longer than this are refused (they are file keys and UI labels, not data). */
export const MAX_KEYCHAIN_NAME = 128;
/** A secret longer than this is refused: passwords and tokens, not files. */
export const MAX_SECRET_LENGTH = 16_384;
