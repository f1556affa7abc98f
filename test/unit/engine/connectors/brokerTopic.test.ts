/**
 * A broker-backed topic (SPEC §15, issue 15 item 1) against the real NATS on 4222: one graph
 * publishes into the topic, another subscribes to it, in separate runs; each event crosses once,
 * with its key, time and value, and the consumer lag shows on the subscriber's edge.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '../../../../engine/graph/validate.js';
import { nodeRegistry } from '../../../../engine/nodes/registry.js';
import { graphOf, runToEnd } from '../runtime/runGraph.js';
import { startLive } from './runUntil.js';
import { deleteStream, NATS_URL, natsClient, streamMessages, suffix, waitFor } from './brokerTestKit.js';

let nc: NatsConnection;
const streams: string[] = [];
let dir: string;

beforeAll(async () => {
  nc = await natsClient();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-broker-topic-'));
});
afterAll(async () => {
  for (const s of streams) await deleteStream(nc, s);
  await nc.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function lines(file: string): Array<{ id: string; key: string | null; time: number; value: { seq: number } }> {
  return fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { id: string; key: string | null; time: number; value: { seq: number } })
    : [];
}

const errors = (g: unknown): string[] =>
  validate(g, nodeRegistry)
    .filter((p) => p.severity === 'error')
    .map((p) => p.message);

describe('topic with a broker', () => {
  it('carries events from a publishing graph to a subscribing one, each once, with key and time; lag on the edge', async () => {
    const stream = `BT_${suffix()}`;
    streams.push(stream);
    const broker = { url: NATS_URL, stream, partitions: 4 };
    const producer = graphOf({
      name: 'producer',
      nodes: [
        {
          id: 'gen',
          type: 'source.generator',
          config: { count: 600, keys: 7, timeExpression: '1700000000000 + i' },
        },
        { id: 'orders', type: 'topic', config: { name: 'orders', broker } },
      ],
      edges: ['gen -> orders'],
    });
    const out = path.join(dir, `${stream}.jsonl`);
    const consumer = graphOf({
      name: 'consumer',
      nodes: [
        { id: 'orders', type: 'topic', config: { name: 'orders', broker } },
        { id: 'file', type: 'sink.file', config: { path: out, envelope: true } },
      ],
      edges: ['orders -> file'],
    });
    expect(errors(producer)).toEqual([]);
    expect(errors(consumer)).toEqual([]);

    // The subscriber starts first: it creates the stream and waits for the publisher.
    const live = await startLive(consumer, dir, path.join(dir, `${stream}-consumer.db`));
    try {
      await waitFor(
        async () => {
          try {
            await (await nc.jetstreamManager()).streams.info(stream);
            return true;
          } catch {
            return false;
          }
        },
        20_000,
        'the subscriber to create the stream',
      );
      const produced = await runToEnd(producer, { dir, statePath: path.join(dir, `${stream}-producer.db`) });
      expect(produced.result.status).toBe('finished');
      await waitFor(() => lines(out).length >= 600, 30_000, 'the subscriber to write every event');
      await waitFor(() => live.last()?.edges['e1']?.lag === 0, 20_000, 'the lag on the edge to reach 0');
    } finally {
      await live.run.stop();
    }
    const got = lines(out);
    expect(got).toHaveLength(600);
    const seqs = got.map((e) => e.value.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 600 }, (_, i) => i));
    // Key and event time crossed with the value; per-key order holds.
    for (const e of got) {
      expect(e.key).toBe(`k${e.value.seq % 7}`);
      expect(e.time).toBe(1700000000000 + e.value.seq);
    }
    const byKey = new Map<string, number[]>();
    for (const e of got) byKey.set(e.key!, [...(byKey.get(e.key!) ?? []), e.value.seq]);
    for (const list of byKey.values()) expect(list).toEqual([...list].sort((a, b) => a - b));
    // The stream holds each event once, on the subject of its key's partition.
    expect(await streamMessages(nc, stream)).toBe(600);
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(stream, { subjects_filter: '>' });
    expect(Object.keys(info.state.subjects ?? {}).sort()).toEqual([0, 1, 2, 3].map((p) => `${stream}.${p}`));
    // A second run of the producer (fresh state, same event ids) adds nothing: Nats-Msg-Id dedupe.
    await runToEnd(producer, { dir, statePath: path.join(dir, `${stream}-producer2.db`) });
    expect(await streamMessages(nc, stream)).toBe(600);
  }, 90_000);

  it('publishes and subscribes in one graph: the topic goes through the stream', async () => {
    const stream = `BT_${suffix()}`;
    streams.push(stream);
    const out = path.join(dir, `${stream}.jsonl`);
    const g = graphOf({
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 300, keys: 3 } },
        { id: 't', type: 'topic', config: { name: 't', broker: { url: NATS_URL, stream } } },
        { id: 'file', type: 'sink.file', config: { path: out, envelope: true } },
      ],
      edges: ['gen -> t', 't -> file'],
    });
    expect(errors(g)).toEqual([]);
    const live = await startLive(g, dir, path.join(dir, `${stream}.db`));
    try {
      await waitFor(() => lines(out).length >= 300, 30_000, 'every event through the stream');
    } finally {
      await live.run.stop();
    }
    expect(lines(out)).toHaveLength(300);
    expect(live.last()?.nodes['t']?.in).toBe(300);
  }, 60_000);

  it('validation names a bad broker: no stream, a bad stream name, a url that is not NATS, an unknown connection', () => {
    const g = (broker: unknown): unknown =>
      graphOf({
        nodes: [
          { id: 'gen', type: 'source.generator', config: { count: 1 } },
          { id: 't', type: 'topic', config: { name: 't', broker } },
        ],
        edges: ['gen -> t'],
      });
    expect(errors(g({ url: NATS_URL }))).toEqual([expect.stringMatching(/needs a value for "broker.stream"/)]);
    expect(errors(g({ url: NATS_URL, stream: 'a.b' }))).toEqual([
      expect.stringMatching(/stream "a.b" must be 1 to 64 letters, digits/),
    ]);
    expect(errors(g({ url: 'redis://127.0.0.1:6379', stream: 's' }))).toEqual([
      expect.stringMatching(/broker's url must be a NATS server/),
    ]);
    expect(errors(g({ url: 'nosuch', stream: 's' }))).toEqual([
      expect.stringMatching(/broker.url: “nosuch” is neither a URL nor one of the graph’s connections/),
    ]);
    expect(errors(g('nats://x'))).toEqual([expect.stringMatching(/"broker" must be an object/)]);
    expect(errors(g({ url: NATS_URL, stream: 's', partitions: 0 }))).toEqual([
      expect.stringMatching(/"broker.partitions" must be at least 1/),
    ]);
    // An in-process topic still needs its input; a broker-backed one may only subscribe.
    const sub = (config: Record<string, unknown>): unknown =>
      graphOf({
        nodes: [
          { id: 't', type: 'topic', config: { name: 't', ...config } },
          { id: 'out', type: 'sink.discard' },
        ],
        edges: ['t -> out'],
      });
    expect(errors(sub({}))).toEqual([expect.stringMatching(/has nothing connected to its input/)]);
    expect(validate(sub({ broker: { url: NATS_URL, stream: 's' } }), nodeRegistry)).toEqual([]);
  });
});
