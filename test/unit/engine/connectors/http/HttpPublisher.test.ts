import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpPublisher } from '../../../../../engine/connectors/http/HttpPublisher.js';

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

describe('HttpPublisher', () => {
  it('retries until 2xx and sends the event id as Idempotency-Key, with the configured headers', async () => {
    const r = await receiver(2);
    const p = new HttpPublisher({ kind: 'http', config: { url: r.url, headers: [{ name: 'X-Team', value: 'ops' }] } });
    await p.publish([
      { id: 'e-1', key: null, time: 0, payload: '{"n":1}' },
      { id: 'e-2', key: null, time: 0, payload: '{"n":2}' },
    ]);
    expect(r.attempts()).toBe(4);
    expect(r.received.map((x) => x.body)).toEqual(['{"n":1}', '{"n":2}']);
    expect(r.received.map((x) => x.headers['idempotency-key'])).toEqual(['e-1', 'e-2']);
    expect(r.received[0]?.headers['x-team']).toBe('ops');
    expect(r.received[0]?.headers['content-type']).toBe('application/json');
    expect(p.status()).toMatchObject({ state: 'connected', attempts: 0 });
    p.close();
  });

  it('posts batches as JSON arrays', async () => {
    const r = await receiver(0);
    const p = new HttpPublisher({ kind: 'http', config: { url: r.url, batch: 2 } });
    await p.publish([1, 2, 3].map((n) => ({ id: `e-${n}`, key: null, time: 0, payload: String(n) })));
    expect(r.received.map((x) => x.body)).toEqual(['[1,2]', '[3]']);
    expect(r.received.map((x) => x.headers['idempotency-key'])).toEqual(['e-1..e-2', 'e-3']);
    p.close();
  });

  it('reports a refused connection as reconnecting, naming the URL, until closed', async () => {
    const r = await receiver(0);
    server?.close();
    const p = new HttpPublisher({ kind: 'http', config: { url: r.url.replace('http://', 'http://user:pw@') } });
    const sending = p.publish([{ id: 'e', key: null, time: 0, payload: '1' }]);
    for (let i = 0; i < 200 && p.status().state !== 'reconnecting'; i++) await new Promise((x) => setTimeout(x, 10));
    expect(p.status().state).toBe('reconnecting');
    expect(p.status().error).toMatch(new RegExp(`POST ${r.url.replace(/[/.]/g, '\\$&')} failed: .*ECONNREFUSED`));
    p.close();
    await expect(sending).rejects.toThrow(/closed/);
  });
});
