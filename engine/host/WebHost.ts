import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { EngineApi } from '../contract/index.js';
import { checkRequest, tokenCookieName } from './checkRequest.js';
import { serveApiSocket } from './serveApiSocket.js';
import { sendText, serveStatic } from './serveStatic.js';

/** Largest WebSocket message accepted: a big graph is a few MB; this bounds one frame's memory. */
export const MAX_MESSAGE_BYTES = 20 * 1024 * 1024;

/** The path of the API socket. */
export const API_PATH = '/api';

export interface WebHostOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  /** The engine the socket exposes (an `EngineService`, or any `EngineApi`). */
  service: EngineApi;
  /** A fixed token (tests); a random one by default. */
  token?: string;
  /** Where internal errors are logged (with stacks; peers never see those). Default stderr. */
  log?: (line: string) => void;
}

export interface WebHost {
  /** The editor's address, token included: what `sluice serve` prints. */
  url: string;
  port: number;
  token: string;
  /** Stop listening and close every socket. */
  close(): Promise<void>;
}

/**
 * Serve the editor and the `EngineApi` on 127.0.0.1 only (SPEC §8–9). Every HTTP request and
 * WebSocket upgrade passes `checkRequest` (Host, Origin, token). A good `?token=` sets a
 * same-site, HTTP-only cookie so the page's own asset requests need no token in their URLs.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let port = 0;

  const securityHeaders = (): Record<string, string> => ({
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      // React Flow positions nodes with inline styles.
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    // The token is in the URL; never hand it to another site in a Referer.
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  wss.on('connection', (socket) => serveApiSocket(socket, options.service, log));

  const server = createServer((req, res) => {
    const verdict = checkRequest(req, port, token);
    const headers = securityHeaders();
    if (!verdict.ok) return sendText(res, 403, verdict.reason, headers);
    if (verdict.tokenFrom === 'query') {
      headers['Set-Cookie'] =
        `${tokenCookieName(port)}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
    }
    if (pathOf(req) === API_PATH) return sendText(res, 426, 'This address is the WebSocket API.', headers);
    serveStatic(req, res, options.staticDir, headers).catch((err: unknown) => {
      log(`static file error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) sendText(res, 500, 'The file could not be served.', headers);
      else res.destroy();
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const verdict = checkRequest(req, port, token);
    if (!verdict.ok) return refuseUpgrade(socket, 403, verdict.reason);
    if (pathOf(req) !== API_PATH) return refuseUpgrade(socket, 404, 'There is no WebSocket here.');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      // Set before the first request can be handled: every check compares against it.
      const address = server.address();
      port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve();
    });
  });

  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}/?token=${encodeURIComponent(token)}`,
    port,
    token,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?', 1)[0] as string;
}

function refuseUpgrade(socket: Duplex, status: 403 | 404, reason: string): void {
  const text = status === 403 ? 'Forbidden' : 'Not Found';
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
