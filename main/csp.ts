/**
 * The Content-Security-Policy of the app page. The page is our own bundle served from
 * `app://sluice/`; it talks to the engine over IPC only, so it needs no network at all.
 * Each directive says why it is not `'none'`.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'none'"],
  // Our bundle only: no inline script, no eval, no remote script, so injected markup cannot run.
  'script-src': ["'self'"],
  // React Flow and CodeMirror set element styles and insert style rules at run time; styles cannot run code.
  'style-src': ["'self'", "'unsafe-inline'"],
  // Icons may be inlined as data URIs by the bundler.
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  // The engine is reached over IPC; nothing is fetched.
  'connect-src': ["'none'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'worker-src': ["'self'"],
  'manifest-src': ["'none'"],
};

/** The policy as a header value. */
export function buildCsp(directives: Readonly<Record<string, readonly string[]>> = CSP_DIRECTIVES): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/**
 * Response headers with our policy set, replacing any policy already there (in any letter case),
 * for `session.webRequest.onHeadersReceived`. Pure: returns a new object.
 */
export function withCsp(headers: Record<string, string | string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  out['Content-Security-Policy'] = [buildCsp()];
  return out;
}
