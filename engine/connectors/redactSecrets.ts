/** Secrets shorter than this are not searched for: a 1–3 character value would blank out ordinary words. */
const MIN_REDACTED = 4;

/**
 * `text` with every secret value in `secrets` (name → value: the keychain's) replaced by its
 * reference, `${keychain:NAME}`, percent-encoded forms too (a password inside a URL). For
 * messages and log lines a client library may have built from a resolved config: the URL's
 * credentials are removed by `redactUrl`, this catches the value wherever else it shows.
 */
export function redactSecrets(text: string, secrets: Readonly<Record<string, string>>): string {
  let out = text;
  // Longest first, so a secret that contains another is replaced whole.
  const entries = Object.entries(secrets)
    .filter(([, v]) => v.length >= MIN_REDACTED)
    .sort((a, b) => b[1].length - a[1].length);
  for (const [name, value] of entries) {
    const ref = `\${keychain:${name}}`;
    for (const form of new Set([value, encodeURIComponent(value)])) out = out.split(form).join(ref);
  }
  return out;
}
