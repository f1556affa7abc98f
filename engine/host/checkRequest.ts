import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Cookie that carries the token after the first good request (per port: cookies ignore ports). */
export const tokenCookieName = (port: number): string => `sluice_token_${port}`;
/** Header a non-browser client may use instead of the query or cookie. */
export const TOKEN_HEADER = 'x-sluice-token';

/** Why a request was refused, or how its token arrived. */
export type RequestVerdict = { ok: true; tokenFrom: 'query' | 'cookie' | 'header' } | { ok: false; reason: string };

/**
 * The three checks of SPEC §9, for plain HTTP and the WebSocket upgrade alike:
 * 1. `Host` must be 127.0.0.1:<port> or localhost:<port>. A DNS-rebinding page reaches us under
 *    its own host name, which this refuses even though the socket is loopback.
 * 2. `Origin`, when present, must be this host itself. Browsers always send it on WebSocket
 *    upgrades and cross-site fetches; non-browser clients (tests, curl) send none.
 * 3. The token, from the query, our cookie or a header, compared in constant time.
 */
export function checkRequest(req: IncomingMessage, port: number, token: string): RequestVerdict {
  const allowed = [`127.0.0.1:${port}`, `localhost:${port}`];
  const host = (req.headers.host ?? '').toLowerCase();
  if (!allowed.includes(host)) return { ok: false, reason: 'The Host header is not this local server.' };
  const origin = req.headers.origin;
  if (origin !== undefined && !allowed.some((h) => origin.toLowerCase() === `http://${h}`)) {
    return { ok: false, reason: 'Requests from other sites are refused.' };
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const fromQuery = url.searchParams.get('token');
  if (fromQuery !== null) {
    return sameSecret(fromQuery, token)
      ? { ok: true, tokenFrom: 'query' }
      : { ok: false, reason: 'The token is wrong.' };
  }
  const fromHeader = req.headers[TOKEN_HEADER];
  if (typeof fromHeader === 'string') {
    return sameSecret(fromHeader, token)
      ? { ok: true, tokenFrom: 'header' }
      : { ok: false, reason: 'The token is wrong.' };
  }
  const fromCookie = readCookie(req.headers.cookie, tokenCookieName(port));
  if (fromCookie !== null) {
    return sameSecret(fromCookie, token)
      ? { ok: true, tokenFrom: 'cookie' }
      : { ok: false, reason: 'The token is wrong.' };
  }
  return { ok: false, reason: 'The token is missing; open the URL that sluice serve printed.' };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}
