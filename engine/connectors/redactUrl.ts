/**
 * A URL as it may be shown: without user name and password (messages, logs and metrics never
 * carry credentials). Text that does not parse as a URL is shown as it is, minus anything up to
 * an `@`.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    const at = url.lastIndexOf('@');
    return at >= 0 ? url.slice(at + 1) : url;
  }
}
