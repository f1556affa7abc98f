import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { RawResponse } from './hostFixture.js';
import { INDEX_HTML, TOKEN, rawRequest, startFixture } from './hostFixture.js';
import type { HostFixture } from './hostFixture.js';

let fx: HostFixture;
let port: number;

beforeEach(async () => {
  fx = await startFixture();
  port = fx.host.port;
});
afterEach(async () => {
  await fx.cleanup();
});

/** Try a WebSocket upgrade; resolves with the HTTP status the host refused it with, or 101. */
function upgradeStatus(query: string, headers: Record<string, string> = {}, pathname = '/api'): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${pathname}${query}`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (err) => reject(err));
  });
}

/** A socket that passed the checks, with a queue of the host's messages. */
async function openApi(): Promise<{
  ws: WebSocket;
  next: () => Promise<Record<string, unknown>>;
  closed: Promise<{ code: number; reason: string }>;
}> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${TOKEN}`);
  const inbox: Array<Record<string, unknown>> = [];
  const waiters: Array<(m: Record<string, unknown>) => void> = [];
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as Record<string, unknown>;
    const w = waiters.shift();
    if (w) w(msg);
    else inbox.push(msg);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = (): Promise<Record<string, unknown>> => {
    const m = inbox.shift();
    return m ? Promise.resolve(m) : new Promise((resolve) => waiters.push(resolve));
  };
  return { ws, next, closed };
}

function expectSecurityHeaders(res: RawResponse): void {
  const csp = String(res.headers['content-security-policy']);
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`);
  expect(csp).toContain("style-src 'self' 'unsafe-inline'");
  expect(csp).not.toContain('unsafe-eval');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
}

describe('startWebHost over HTTP', () => {
  it('prints a 127.0.0.1 URL that carries the token', () => {
    expect(fx.host.url).toBe(`http://127.0.0.1:${port}/?token=${TOKEN}`);
  });

  it('serves the editor with a strict CSP to a request with the right token', async () => {
    const res = await rawRequest(port, `/?token=${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.body).toBe(INDEX_HTML);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expectSecurityHeaders(res);
  });

  it('refuses a request without a token with 403', async () => {
    const res = await rawRequest(port, '/');
    expect(res.status).toBe(403);
    expect(res.body).toMatch(/token is missing/);
    expect(res.body).not.toContain('Sluice</title>');
  });

  it('refuses a request with a wrong token with 403', async () => {
    expect((await rawRequest(port, '/?token=guess')).status).toBe(403);
    expect((await rawRequest(port, '/', { 'X-Sluice-Token': 'guess' })).status).toBe(403);
    expect((await rawRequest(port, '/', { Cookie: `sluice_token_${port}=guess` })).status).toBe(403);
  });

  it('lets the page load its assets with the cookie set by the first good request', async () => {
    const first = await rawRequest(port, `/?token=${TOKEN}`);
    const cookie = String(first.headers['set-cookie']?.[0]).split(';')[0] as string;
    expect(first.headers['set-cookie']?.[0]).toMatch(/HttpOnly; SameSite=Strict/);
    const asset = await rawRequest(port, '/assets/app.js', { Cookie: cookie });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/^text\/javascript/);
  });

  it('refuses a request from a foreign Origin even with the token', async () => {
    const res = await rawRequest(port, `/?token=${TOKEN}`, { Origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body).toMatch(/other sites/);
    expect((await rawRequest(port, `/?token=${TOKEN}`, { Origin: `http://localhost:${port}` })).status).toBe(200);
    expect((await rawRequest(port, `/?token=${TOKEN}`, { Origin: `http://127.0.0.1:${port + 1}` })).status).toBe(403);
  });

  it('refuses a request whose Host is not this server (DNS rebinding) even with the token', async () => {
    const res = await rawRequest(port, `/?token=${TOKEN}`, { Host: `evil.example:${port}` });
    expect(res.status).toBe(403);
    expect(res.body).toMatch(/Host header/);
    expect((await rawRequest(port, `/?token=${TOKEN}`, { Host: `localhost:${port}` })).status).toBe(200);
    expect((await rawRequest(port, `/?token=${TOKEN}`, { Host: '127.0.0.1' })).status).toBe(403);
  });

  it('refuses path traversal out of the built editor', async () => {
    for (const p of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e%5csecret.txt',
      '/a%00.js',
    ]) {
      const res = await rawRequest(port, `${p}?token=${TOKEN}`);
      expect(res.status, p).toBe(400);
      expect(res.body, p).not.toContain('TOP SECRET');
    }
  });

  it('falls back to index.html for client routes but answers 404 for a missing asset, and never lists a folder', async () => {
    expect((await rawRequest(port, `/runs/42?token=${TOKEN}`)).body).toBe(INDEX_HTML);
    expect((await rawRequest(port, `/assets?token=${TOKEN}`)).body).toBe(INDEX_HTML);
    expect((await rawRequest(port, `/assets/?token=${TOKEN}`)).body).toBe(INDEX_HTML);
    expect((await rawRequest(port, `/assets/missing.js?token=${TOKEN}`)).status).toBe(404);
  });

  it('answers only GET and HEAD', async () => {
    expect((await rawRequest(port, `/?token=${TOKEN}`, {}, 'POST')).status).toBe(405);
    const head = await rawRequest(port, `/?token=${TOKEN}`, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });
});

describe('startWebHost WebSocket upgrade', () => {
  it('accepts an upgrade to /api with the right token', async () => {
    expect(await upgradeStatus(`?token=${TOKEN}`)).toBe(101);
    expect(await upgradeStatus('', { 'X-Sluice-Token': TOKEN })).toBe(101);
  });

  it('refuses an upgrade without a token or with a wrong one', async () => {
    expect(await upgradeStatus('')).toBe(403);
    expect(await upgradeStatus('?token=nope')).toBe(403);
  });

  it('refuses an upgrade from a foreign Origin', async () => {
    expect(await upgradeStatus(`?token=${TOKEN}`, { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(`?token=${TOKEN}`, { Origin: `http://127.0.0.1:${port}` })).toBe(101);
  });

  it('refuses an upgrade whose Host is not this server (DNS rebinding)', async () => {
    expect(await upgradeStatus(`?token=${TOKEN}`, { Host: `evil.example:${port}` })).toBe(403);
  });

  it('refuses an upgrade to another path', async () => {
    expect(await upgradeStatus(`?token=${TOKEN}`, {}, '/other')).toBe(404);
  });
});

describe('startWebHost API socket', () => {
  it('welcomes a hello and answers a call', async () => {
    const api = await openApi();
    api.ws.send(JSON.stringify({ type: 'hello', version: 1 }));
    expect(await api.next()).toEqual({ type: 'welcome', version: 1 });
    api.ws.send(JSON.stringify({ type: 'call', id: 1, method: 'listExamples', args: [] }));
    expect(await api.next()).toEqual({
      type: 'result',
      id: 1,
      ok: true,
      value: [
        { id: 'hello', name: 'Hello', description: 'A first graph.' },
        { id: 'escape', name: 'Escape', description: 'Names a file outside.' },
      ],
    });
    api.ws.close();
  });

  it('asks for hello before any call', async () => {
    const api = await openApi();
    api.ws.send(JSON.stringify({ type: 'call', id: 1, method: 'listExamples', args: [] }));
    expect(await api.next()).toMatchObject({
      type: 'result',
      id: 1,
      ok: false,
      error: expect.stringMatching(/Say hello first/),
    });
    api.ws.close();
  });

  it('answers malformed messages with a clear error and keeps the connection', async () => {
    const api = await openApi();
    api.ws.send(JSON.stringify({ type: 'hello', version: 1 }));
    await api.next();
    api.ws.send('this is not json');
    expect(await api.next()).toEqual({ type: 'result', id: -1, ok: false, error: 'The message is not valid JSON.' });
    api.ws.send(JSON.stringify({ type: 'call', id: 2, method: 'rm -rf', args: [] }));
    expect(await api.next()).toMatchObject({
      id: 2,
      ok: false,
      error: expect.stringMatching(/^Unknown method "rm -rf"/),
    });
    api.ws.send(JSON.stringify({ type: 'call', id: 3, method: 'openFile', args: [{ path: '/etc/passwd' }] }));
    expect(await api.next()).toMatchObject({
      id: 3,
      ok: false,
      error: 'The "path" argument of openFile must be a string, not an object.',
    });
    api.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await api.next()).toMatchObject({ id: -1, ok: false, error: expect.stringMatching(/Binary messages/) });
    api.ws.send(JSON.stringify({ type: 'call', id: 4, method: 'listExamples', args: [] }));
    expect(await api.next()).toMatchObject({ id: 4, ok: true });
    api.ws.close();
  });

  it('sends user errors as one sentence, without a stack', async () => {
    const api = await openApi();
    api.ws.send(JSON.stringify({ type: 'hello', version: 1 }));
    await api.next();
    api.ws.send(JSON.stringify({ type: 'call', id: 5, method: 'openFile', args: ['../../etc/passwd'] }));
    const res = await api.next();
    expect(res).toEqual({
      type: 'result',
      id: 5,
      ok: false,
      error: '../../etc/passwd is outside the folders you opened.',
    });
    api.ws.send(JSON.stringify({ type: 'call', id: 6, method: 'openExample', args: ['escape'] }));
    expect(await api.next()).toMatchObject({
      id: 6,
      ok: false,
      error: 'Example escape names a file outside the examples folder.',
    });
    api.ws.close();
  });

  it('closes the socket with a reason when the protocol version differs', async () => {
    const api = await openApi();
    api.ws.send(JSON.stringify({ type: 'hello', version: 99 }));
    expect(await api.next()).toMatchObject({ ok: false, error: expect.stringMatching(/version 99/) });
    expect(await api.closed).toEqual({ code: 4001, reason: 'protocol version mismatch; reload the page' });
  });

  it('closes a socket that sends a message over the size bound', async () => {
    const api = await openApi();
    api.ws.send('x'.repeat(20 * 1024 * 1024 + 10));
    expect((await api.closed).code).toBe(1009);
  });
});
