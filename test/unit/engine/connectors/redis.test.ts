import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphOf, runToEnd } from '../runtime/runGraph.js';
import { suffix, waitFor } from './brokerTestKit.js';
import { runUntil } from './runUntil.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
let client: ReturnType<typeof createClient>;
let dir: string;
const keys: string[] = [];

beforeAll(async () => {
  client = createClient({ url: REDIS_URL });
  await client.connect();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-redis-test-'));
});
afterAll(async () => {
  if (keys.length) await client.del(keys);
  await client.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const lines = (file: string): string[] =>
  fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

async function addEntries(stream: string, from: number, n: number): Promise<void> {
  for (let i = from; i < from + n; i++) await client.xAdd(stream, '*', { payload: JSON.stringify({ i }) });
}

describe('source.redis', () => {
  it('without a group: reads each entry once and a second run resumes after the checkpointed id', async () => {
    const stream = `rs-${suffix()}`;
    keys.push(stream);
    await addEntries(stream, 0, 300);
    const graph = graphOf({
      nodes: [
        { id: 'in', type: 'source.redis', config: { url: REDIS_URL, stream } },
        { id: 'out', type: 'sink.file', config: { path: `${stream}.jsonl` } },
      ],
      edges: ['in -> out'],
    });
    const out = path.join(dir, `${stream}.jsonl`);
    const statePath = path.join(dir, `${stream}.db`);
    expect((await runUntil(graph, { dir, statePath }, () => lines(out).length >= 300)).result.status).toBe('stopped');
    await addEntries(stream, 300, 200);
    expect((await runUntil(graph, { dir, statePath }, () => lines(out).length >= 500)).result.status).toBe('stopped');
    expect(lines(out).map((l) => (JSON.parse(l) as { i: number }).i)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('with a group: acknowledges after the checkpoint, and a payload that is not JSON goes to the dead letters', async () => {
    const stream = `rg-${suffix()}`;
    keys.push(stream);
    await addEntries(stream, 0, 100);
    await client.xAdd(stream, '*', { payload: 'not json' });
    const graph = graphOf({
      nodes: [
        { id: 'in', type: 'source.redis', config: { url: REDIS_URL, stream, group: 'g1' } },
        { id: 'out', type: 'sink.file', config: { path: `${stream}.jsonl` } },
      ],
      edges: ['in -> out'],
    });
    const out = path.join(dir, `${stream}.jsonl`);
    const statePath = path.join(dir, `${stream}.db`);
    const r = await runUntil(graph, { dir, statePath }, async () => {
      if (lines(out).length < 100) return false;
      const pending = (await client.sendCommand(['XPENDING', stream, 'g1'])) as [number];
      return Number(pending[0]) === 0;
    });
    expect(r.result.status).toBe('stopped');
    expect(r.last!.nodes['in']!.errors).toBe(1);
    expect(lines(out)).toHaveLength(100);
  });
});

describe('sink.redis', () => {
  it('adds each event once, and a rerun from the same state adds nothing', async () => {
    const stream = `rk-${suffix()}`;
    keys.push(stream, `${stream}:sluice-commits`);
    const graph = graphOf({
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 2000, keys: 3 } },
        { id: 'out', type: 'sink.redis', config: { url: REDIS_URL, stream } },
      ],
      edges: ['gen -> out'],
    });
    const statePath = path.join(dir, `${stream}.db`);
    expect((await runToEnd(graph, { dir, statePath })).result.status).toBe('finished');
    await waitFor(async () => (await client.xLen(stream)) >= 2000, 10_000, 'XLEN 2000');
    expect((await runToEnd(graph, { dir, statePath })).result.status).toBe('finished');
    expect(await client.xLen(stream)).toBe(2000);
    const entries = await client.xRange(stream, '-', '+');
    expect(new Set(entries.map((e) => e.message['id'])).size).toBe(2000);
  });
});
