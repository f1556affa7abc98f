import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphOf, runToEnd } from '../runtime/runGraph.js';
import { runUntil } from './runUntil.js';
import {
  createStream,
  deleteStream,
  NATS_URL,
  natsClient,
  publishJson,
  streamMessages,
  suffix,
  waitFor,
} from './brokerTestKit.js';

let nc: NatsConnection;
const streams: string[] = [];
let dir: string;

beforeAll(async () => {
  nc = await natsClient();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-nats-test-'));
});
afterAll(async () => {
  for (const s of streams) await deleteStream(nc, s);
  await nc.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function lines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

describe('source.nats', () => {
  it('reads a stream into sink.file, and a second run resumes after the checkpointed sequence', async () => {
    const stream = `T_${suffix()}`;
    streams.push(stream);
    await createStream(nc, stream, [`${stream}.>`]);
    await publishJson(
      nc,
      `${stream}.a`,
      Array.from({ length: 500 }, (_, i) => ({ i })),
    );
    const graph = graphOf({
      nodes: [
        { id: 'in', type: 'source.nats', config: { url: NATS_URL, stream } },
        { id: 'out', type: 'sink.file', config: { path: 'out.jsonl', envelope: true } },
      ],
      edges: ['in -> out'],
    });
    const statePath = path.join(dir, `${stream}.db`);
    const out = path.join(dir, 'out.jsonl');
    const first = await runUntil(graph, { dir, statePath }, () => lines(out).length >= 500);
    expect(first.result.status).toBe('stopped');
    expect(lines(out)).toHaveLength(500);
    expect(JSON.parse(lines(out)[0]!)).toMatchObject({ id: `${stream}:1`, value: { i: 0 } });
    expect(first.last!.nodes['in']!.connection).toMatchObject({ state: 'connected', attempts: 0 });

    await publishJson(
      nc,
      `${stream}.b`,
      Array.from({ length: 300 }, (_, i) => ({ i: 500 + i })),
    );
    const second = await runUntil(graph, { dir, statePath }, () => lines(out).length >= 800);
    expect(second.result.status).toBe('stopped');
    const all = lines(out).map((l) => (JSON.parse(l) as { value: { i: number } }).value.i);
    expect(all).toEqual(Array.from({ length: 800 }, (_, i) => i));
  });

  it('fails at once with one line naming the stream when it does not exist', async () => {
    const graph = graphOf({
      nodes: [
        { id: 'in', type: 'source.nats', config: { url: NATS_URL, stream: `MISSING_${suffix()}` } },
        { id: 'out', type: 'sink.file', config: { path: 'missing.jsonl' } },
      ],
      edges: ['in -> out'],
    });
    const r = await runToEnd(graph, { dir, durationMs: 10_000 });
    expect(r.result.status).toBe('failed');
    expect(r.result.reason).toMatch(
      /^node "in": NATS at nats:\/\/127\.0\.0\.1:4222: stream “MISSING_\w+” does not exist$/,
    );
  });
});

describe('sink.nats', () => {
  it('publishes each event once, creating the stream, and a rerun from the same state adds nothing', async () => {
    const stream = `S_${suffix()}`;
    streams.push(stream);
    const graph = graphOf({
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 2000, keys: 5 } },
        { id: 'out', type: 'sink.nats', config: { url: NATS_URL, subject: `${stream}.\${key}`, stream } },
      ],
      edges: ['gen -> out'],
    });
    const statePath = path.join(dir, `${stream}.db`);
    const r = await runToEnd(graph, { dir, statePath });
    expect(r.result.status).toBe('finished');
    await waitFor(async () => (await streamMessages(nc, stream)) >= 2000, 10_000, 'the stream to hold 2000');
    expect(await streamMessages(nc, stream)).toBe(2000);
    const again = await runToEnd(graph, { dir, statePath });
    expect(again.result.status).toBe('finished');
    expect(await streamMessages(nc, stream)).toBe(2000);
  });
});
