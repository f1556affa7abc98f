import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { isInside } from './FileAccess.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/**
 * Serve the built renderer from `staticDir`: GET and HEAD only, no directory listing, and an SPA
 * fallback to index.html for paths without a file extension (client-side routes). A missing
 * asset (`/x.js`) is a 404, not index.html, so a broken build fails loudly.
 *
 * Traversal: the decoded path is refused if it holds `..`, a backslash or NUL, and the real
 * path of the file must still lie inside `staticDir` (a symlink in the build cannot leak).
 */
export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  staticDir: string,
  headers: Record<string, string>,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendText(res, 405, 'Only GET and HEAD are served here.', { ...headers, Allow: 'GET, HEAD' });
  }
  const rawPath = (req.url ?? '/').split('?', 1)[0] as string;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return sendText(res, 400, 'The path is not valid URL encoding.', headers);
  }
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').includes('..')) {
    return sendText(res, 400, 'The path is not allowed.', headers);
  }
  const root = await realpath(staticDir).catch(() => path.resolve(staticDir));
  const candidate = path.join(root, decoded);
  let file = await regularFileInside(candidate, root);
  if (file === null && path.extname(decoded) === '') {
    file = await regularFileInside(path.join(root, 'index.html'), root);
  }
  if (file === null) return sendText(res, 404, 'Not found.', headers);

  const ext = path.extname(file.path).toLowerCase();
  const isHtml = ext === '.html';
  res.writeHead(200, {
    ...headers,
    'Content-Type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
    'Content-Length': String(file.size),
    // index.html names the hashed bundles; caching it would pin an old build.
    'Cache-Control': isHtml ? 'no-store' : 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file.path);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

async function regularFileInside(candidate: string, root: string): Promise<{ path: string; size: number } | null> {
  try {
    const real = await realpath(candidate);
    if (!isInside(real, root)) return null;
    const info = await stat(real);
    if (!info.isFile()) return null;
    return { path: real, size: info.size };
  } catch {
    return null;
  }
}

/** A short plain-text answer (refusals, errors). */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  const body = `${text}\n`;
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}
