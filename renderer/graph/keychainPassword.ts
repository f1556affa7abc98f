import type { KeychainApi } from '../../engine/contract/DesktopApi.js';
import { MAX_KEYCHAIN_NAME } from '../../engine/contract/keychain.js';

/** `scheme://user:password@rest`: the parts a password is put into. */
const WITH_USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/@]*)@(.*)$/is;
const WITH_SCHEME = /^([a-z][a-z0-9+.-]*:\/\/)(.*)$/is;
const KEYCHAIN_PASSWORD = /^\$\{keychain:([^}]*)\}$/;
/** References have colons of their own (`${env:PGUSER:-app}`), which part nothing. */
const REFERENCE = /\$\{(?:env|keychain):[^}]*\}/g;

/**
 * Why the keychain cannot be used here, or null when it can: the web host has none (the
 * engine says the same of a `${keychain:…}` at run time), and a desktop without a keyring
 * cannot protect one. `available` is the desktop's answer, null while it is being asked.
 */
export function keychainUnavailableReason(keychain: KeychainApi | null, available: boolean | null): string | null {
  if (!keychain) return 'Keychain secrets are available in the desktop app; here, write ${env:NAME} in the URL.';
  if (available === false) {
    return 'This computer has no keychain Sluice can use (on Linux: a running keyring); write ${env:NAME} in the URL.';
  }
  return null;
}

/**
 * The name a connection's password is kept under: the graph's and the connection's names,
 * `ORDERS_LOCAL_PASSWORD`, since one keychain serves every graph on the computer.
 */
export function suggestKeychainName(graphName: string, connectionName: string): string {
  const part = (s: string) =>
    s
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
  const name = [part(graphName), part(connectionName), 'PASSWORD'].filter((p) => p !== '').join('_');
  const valid = /^[0-9]/.test(name) ? `_${name}` : name;
  return valid.slice(0, MAX_KEYCHAIN_NAME);
}

/** The user info's user and password (null: none), with references kept whole. */
function splitUserInfo(userInfo: string): { user: string; password: string | null } {
  const masked = userInfo.replace(REFERENCE, (ref) => '\u0000'.repeat(ref.length));
  const colon = masked.indexOf(':');
  return colon < 0
    ? { user: userInfo, password: null }
    : { user: userInfo.slice(0, colon), password: userInfo.slice(colon + 1) };
}

/** The keychain name a URL's password refers to (`nats://app:${keychain:X}@h` → X), or null. */
export function keychainNameOfUrl(url: string): string | null {
  const m = WITH_USER_INFO.exec(url);
  if (!m) return null;
  const password = splitUserInfo(m[2]!).password;
  return password === null ? null : (KEYCHAIN_PASSWORD.exec(password)?.[1] ?? null);
}

/** The URL's password when it is written in plain text (no reference), else null. */
export function plainPasswordOfUrl(url: string): string | null {
  const m = WITH_USER_INFO.exec(url);
  if (!m) return null;
  const password = splitUserInfo(m[2]!).password;
  if (password === null || password === '' || password.match(REFERENCE)) return null;
  try {
    return decodeURIComponent(password);
  } catch {
    return password;
  }
}

/**
 * `url` with its password replaced by `${keychain:name}`; its user and the rest kept. A URL
 * without a user gets one only for Redis (`redis://:pw@host`, its password-only login); for the
 * others the user must be written first, which `problem` says.
 */
export function withKeychainPassword(url: string, name: string): { url: string } | { problem: string } {
  const ref = `\${keychain:${name}}`;
  const m = WITH_USER_INFO.exec(url);
  if (m) {
    const { user } = splitUserInfo(m[2]!);
    if (user !== '' || /^rediss?:/i.test(m[1]!)) return { url: `${m[1]}${user}:${ref}@${m[3]}` };
  } else {
    const s = WITH_SCHEME.exec(url);
    if (!s) return { problem: 'The URL must start with its scheme (nats://, postgres://, …) to take a password.' };
    if (/^rediss?:/i.test(s[1]!)) return { url: `${s[1]}:${ref}@${s[2]}` };
  }
  return { problem: 'Write the user name in the URL first (scheme://user@host), then save its password.' };
}
