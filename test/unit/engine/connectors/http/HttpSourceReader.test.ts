import { afterEach, describe, expect, it } from 'vitest';
import { HttpSourceReader } from '../../../../../engine/connectors/http/HttpSourceReader.js';
import { waitFor } from '../connectorTestKit.js';

const readers: HttpSourceReader[] = [];
afterEach(() => {
  for (const r of readers.splice(0)) r.close();
});

async function start(config: Record<string, unknown> = {}): Promise<{ reader: HttpSourceReader; url: string }> {
  const reader = new HttpSourceReader({
    kind: 'http',
    config: { port: 0, ...config },
    resumeFrom: null,
    onReadable: () => undefined,
  });
  readers.push(reader);
  const port = await waitFor('listening', () => (reader.status().state === 'connected' ? reader.port() : undefined));
  return { reader, url: `http://127.0.0.1:${port}${typeof config.path === 'string' ? config.path : '/events'}` };
}

describe('HttpSourceReader', () => {
  it('answers 200 only when the checkpoint covering the posted events completes', async () => {
    const { reader, url } = await start();
    let answered: Response | null = null;
    const posted = fetch(url, { method: 'POST', body: JSON.stringify([{ a: 1 }, { a: 2 }]) }).then(
      (r) => (answered = r),
    );
    const got = await waitFor('two events', () => {
      const m = reader.take(10);
      return m.length > 0 ? m : undefined;
    });
    expect(got.map((m) => JSON.parse(m.payload))).toEqual([{ a: 1 }, { a: 2 }]);
    expect(got.map((m) => m.id)).toEqual(['http-0', 'http-1']);
    expect(reader.mark(1)).toEqual({ seq: 2 });
    await new Promise((r) => setTimeout(r, 100));
    expect(answered).toBeNull();
    reader.acknowledge(1);
    const res = await posted;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 2 });
  });

  it('gives ids from the Idempotency-Key header, so a retried request replays the same ids', async () => {
    const { reader, url } = await start();
    void fetch(url, { method: 'POST', headers: { 'Idempotency-Key': 'order-7' }, body: '{"x":1}' }).catch(
      () => undefined,
    );
    const got = await waitFor('one event', () => {
      const m = reader.take(10);
      return m.length > 0 ? m : undefined;
    });
    expect(got[0]?.id).toBe('order-7:0');
  });

  it('refuses bad JSON, a wrong token, another path, another method and a body over the limit, each in one line', async () => {
    const { url } = await start({ token: 's3cret', maxBytes: 100 });
    const auth = { Authorization: 'Bearer s3cret' };
    const cases: Array<[RequestInit & { url?: string }, number, RegExp]> = [
      [{ method: 'POST', headers: auth, body: '{not json' }, 400, /the body is not valid JSON/],
      [{ method: 'POST', headers: { Authorization: 'Bearer nope' }, body: '1' }, 401, /missing or wrong bearer token/],
      [{ method: 'POST', body: '1' }, 401, /missing or wrong bearer token/],
      [
        { method: 'POST', headers: auth, body: '1', url: url.replace('/events', '/other') },
        404,
        /no webhook at \/other/,
      ],
      [{ method: 'GET', headers: auth }, 405, /GET is not accepted/],
      [{ method: 'POST', headers: auth, body: JSON.stringify('x'.repeat(200)) }, 413, /over 100 bytes/],
    ];
    for (const [init, status, message] of cases) {
      const res = await fetch(init.url ?? url, init);
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: string };
      expect(body.error).toMatch(message);
    }
  });

  it('answers 503 to what no checkpoint covered when it closes', async () => {
    const { reader, url } = await start();
    const posted = fetch(url, { method: 'POST', body: '1' });
    await waitFor('one event', () => reader.take(10).length > 0);
    reader.close();
    const res = await posted;
    expect(res.status).toBe(503);
  });

  it('reports a port already in use as failed, in one line', async () => {
    const { reader } = await start();
    const second = new HttpSourceReader({
      kind: 'http',
      config: { port: reader.port() },
      resumeFrom: null,
      onReadable: () => undefined,
    });
    readers.push(second);
    const status = await waitFor('failed', () => (second.status().state === 'failed' ? second.status() : undefined));
    expect(status.error).toBe(`source.http: port ${reader.port()} on 127.0.0.1 is already in use`);
  });
});
