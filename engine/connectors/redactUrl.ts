/**
 * A URL as it may be shown: without user name and password (messages, logs and metrics never
 * carry credentials). Text that does not parse as a URL is shown as it is, minus anything up to
 * an `@`.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    // `user:pw@host` parses as scheme `user:` with no host: not a URL for this purpose.
    if (u.host === '') throw new Error('no host');
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    const at = url.lastIndexOf('@');
    return at >= 0 ? url.slice(at + 1) : url;
  }
}
