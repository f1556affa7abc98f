/**
 * A broker-backed topic between two `sluice run` processes (SPEC §15, issue 15 item 1), each
 * SIGKILLed at seeded random moments and restarted at once, on a private nats-server: the
 * publisher resends what its outbox held (dropped by the stream as duplicates of their
 * Nats-Msg-Id), the subscriber resumes after the sequence in its checkpoint. At the end the
 * stream holds each event once and the subscriber's file (transactional) each event once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/natsServer.js';
import { usePrivateNatsRuns, type CliProcess } from './privateNatsRuns.js';
import { mulberry32, writeGraph } from './sluiceCli.js';

const COUNT = 6000;
const RATE = 400;
const KILLS = 6;
const SEED = Number(process.env['SLUICE_CRASH_SEED'] ?? 0xb70c);

const fx = usePrivateNatsRuns('sluice-topic-crash-');
const spawnRun = (graph: string, state: string): CliProcess => fx.spawn(['run', graph, '--state', state]);

describe('broker-backed topic across processes, SIGKILLed', () => {
  it(`publisher and subscriber each killed at random moments: every event once in the stream and the file`, async () => {
    const stream = 'orders';
    const broker = { url: fx.nats.url, stream, partitions: 3 };
    const dir = path.join(fx.dir, 'graphs');
    const out = path.join(dir, 'out.jsonl');
    const producer = writeGraph(
      dir,
      {
        format: 'sluice/graph',
        version: 1,
        name: 'producer',
        settings: { checkpointIntervalMs: 150 },
        nodes: [
          { id: 'gen', type: 'source.generator', config: { count: COUNT, keys: 11 } },
          { id: 'pace', type: 'throttle', config: { ratePerSec: RATE } },
          { id: 'orders', type: 'topic', config: { name: 'orders', broker } },
        ],
        edges: [
          { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'pace', port: 'in' } },
          { id: 'e2', from: { node: 'pace', port: 'out' }, to: { node: 'orders', port: 'in' } },
        ],
      },
      'producer',
    );
    const consumer = writeGraph(
      dir,
      {
        format: 'sluice/graph',
        version: 1,
        name: 'consumer',
        settings: { checkpointIntervalMs: 150 },
        nodes: [
          { id: 'orders', type: 'topic', config: { name: 'orders', broker } },
          { id: 'file', type: 'sink.file', config: { path: 'out.jsonl', envelope: true } },
        ],
        edges: [{ id: 'e1', from: { node: 'orders', port: 'out' }, to: { node: 'file', port: 'in' } }],
      },
      'consumer',
    );
    const pState = path.join(fx.dir, 'producer.db');
    const cState = path.join(fx.dir, 'consumer.db');
    const lines = (): string[] => (fs.existsSync(out) ? fs.readFileSync(out, 'utf8').split('\n').filter(Boolean) : []);
    const random = mulberry32(SEED);

    let p: CliProcess | null = null;
    let c: CliProcess | null = null;
    const kills: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      if (p === null || !p.running()) {
        // Killed (code null), or ended by itself: then it must have succeeded.
        if (p !== null) expect([null, 0], p.stderr()).toContain(await p.exited);
        p = spawnRun(producer, pState);
      }
      if (c === null || !c.running()) c = spawnRun(consumer, cState);
      const before = lines().length;
      try {
        await waitFor(`kill ${k + 1}: the subscriber to commit more`, () => lines().length > before, 30_000);
      } catch (err) {
        const n = (await (await fx.nc.jetstreamManager()).streams.info(stream)).state.messages;
        throw new Error(
          `${(err as Error).message} (file ${before}, stream ${n}; kills ${kills.join(', ')}; producer: ${p.stderr()}; consumer: ${c.stderr()})`,
        );
      }
      await new Promise((r) => setTimeout(r, random() * 300));
      const victim = k % 2 === 0 ? p : c;
      if (!victim.running()) continue;
      victim.child.kill('SIGKILL');
      await victim.exited;
      kills.push(`${victim === p ? 'producer' : 'consumer'} at ${lines().length}`);
    }
    // The kills landed mid-stream.
    expect(lines().length).toBeLessThan(COUNT);
    if (p === null || !p.running()) p = spawnRun(producer, pState);
    if (c === null || !c.running()) c = spawnRun(consumer, cState);
    try {
      await waitFor('every event in the file', () => lines().length >= COUNT, 90_000);
    } catch (err) {
      throw new Error(
        `${(err as Error).message}: ${lines().length}; kills ${kills.join(', ')}; ${p.stderr()} ${c.stderr()}`,
      );
    }
    // The producer ends by itself once its outbox is sent; the subscriber is stopped.
    expect(await p.exited, p.stderr()).toBe(0);
    c.child.kill('SIGINT');
    expect(await c.exited, c.stderr()).toBe(0);

    const ids = lines().map((l) => (JSON.parse(l) as { value: { seq: number } }).value.seq);
    expect(ids).toHaveLength(COUNT);
    expect(new Set(ids).size).toBe(COUNT);
    const info = await (await fx.nc.jetstreamManager()).streams.info(stream);
    expect(info.state.messages).toBe(COUNT);
    expect(kills.length).toBe(KILLS);
  }, 240_000);
});
