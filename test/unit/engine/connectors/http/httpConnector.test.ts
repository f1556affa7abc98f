import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { httpConnector } from '../../../../../engine/connectors/http/httpConnector.js';
import { sendThrough, testEnv, waitFor } from '../connectorTestKit.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server | null = null;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = null;
});

/** A receiver that fails the first `failures` requests with 503. */
async function receiver(failures: number): Promise<{ url: string; received: Received[]; attempts: () => number }> {
  const received: Received[] = [];
  let attempts = 0;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      attempts++;
      if (attempts <= failures) return void res.writeHead(503).end();
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const a = server.address();
  const port = a !== null && typeof a === 'object' ? a.port : 0;
  return { url: `http://127.0.0.1:${port}/hook`, received, attempts: () => attempts };
}

const open = (config: Record<string, unknown>) => httpConnector.openWriter!({ kind: 'http', config }, testEnv());

describe('sink.http connection', () => {
  it('retries until 2xx and sends the event id as Idempotency-Key, with the configured headers and URL credentials as Basic auth', async () => {
    const r = await receiver(2);
    const w = open({ url: r.url.replace('http://', 'http://ops:pw@'), headers: [{ name: 'X-Team', value: 'ops' }] });
    const settled = await sendThrough(w, [
      { id: 'e-1', key: null, time: 0, payload: '{"n":1}' },
      { id: 'e-2', key: null, time: 0, payload: '{"n":2}' },
    ]);
    expect(settled).toBe(true);
    expect(r.attempts()).toBe(4);
    expect(r.received.map((x) => x.body)).toEqual(['{"n":1}', '{"n":2}']);
    expect(r.received.map((x) => x.headers['idempotency-key'])).toEqual(['e-1', 'e-2']);
    expect(r.received[0]?.headers['x-team']).toBe('ops');
    expect(r.received[0]?.headers['content-type']).toBe('application/json');
    expect(r.received[0]?.headers.authorization).toBe(`Basic ${Buffer.from('ops:pw').toString('base64')}`);
    expect(w.status()).toMatchObject({ state: 'connected', attempts: 0 });
    w.close();
  });

  it('posts batches as JSON arrays', async () => {
    const r = await receiver(0);
    const w = open({ url: r.url, batch: 2 });
    expect(
      await sendThrough(
        w,
        [1, 2, 3].map((n) => ({ id: `e-${n}`, key: null, time: 0, payload: String(n) })),
      ),
    ).toBe(true);
    expect(r.received.map((x) => x.body)).toEqual(['[1,2]', '[3]']);
    expect(r.received.map((x) => x.headers['idempotency-key'])).toEqual(['e-1..e-2', 'e-3']);
    w.close();
  });

  it('shows a server that answers 5xx as reconnecting with the status, and keeps the records', async () => {
    const r = await receiver(1_000_000);
    const w = open({ url: r.url });
    w.stage(1, [{ id: 'e', key: null, time: 0, payload: '1' }]);
    w.commit(1);
    const status = await waitFor('reconnecting', () => (w.status().state === 'reconnecting' ? w.status() : undefined));
    expect(status.error).toBe(`POST ${r.url}: answered 503 Service Unavailable`);
    expect(status.lag).toBe(1);
    w.close();
  });

  it('refuses a URL that is not http(s), in one line', () => {
    expect(() => open({ url: 'ftp://x' })).toThrow('sink.http needs an http:// or https:// URL, not “ftp://x”');
  });
});
