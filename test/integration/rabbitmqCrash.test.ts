/**
 * SIGKILL and restart against the machine's RabbitMQ (issue 14, item 5), ≥ 5 kills each:
 * - a stream queue → map → sink.file: the file holds every message exactly once (the offset is
 *   in the checkpoint, the file commits what a completed checkpoint covers);
 * - a classic queue → sink.file: nothing lost (acks only after the checkpoint), and the queue
 *   ends empty;
 * - generator → sink.rabbitmq: the queue ends with every event at least once, counted by
 *   message-id from the broker.
 * SLUICE_CRASH_SEED=<n> replays a schedule.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../unit/engine/connectors/connectorTestKit.js';
import {
  deleteQueues,
  publishJson,
  queueDepth,
  rabbitAdmin,
  RABBITMQ_URL,
} from '../unit/engine/connectors/rabbitmq/rabbitMqTestKit.js';
import { killRepeatedly, runUntilDone } from './connectorKills.js';
import { runCli, writeGraph } from './sluiceCli.js';

const KILLS = 5;
const SEED = Number(process.env['SLUICE_CRASH_SEED'] ?? 0x4ab1);
const COUNT = 3000;
const TIMEOUT_MS = 120_000;

let admin: ChannelModel;
let root: string;
const queues: string[] = [];
beforeAll(async () => {
  admin = await rabbitAdmin();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-rabbitmq-crash-'));
});
afterAll(async () => {
  await deleteQueues(admin, queues);
  await admin.close();
  fs.rmSync(root, { recursive: true, force: true });
});

function lines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

function queueToFile(queue: string, queueType: string, out: string): object {
  return {
    format: 'sluice/graph',
    version: 1,
    name: 'RabbitMQ crash',
    // Paced (500/s) so that five kills land mid-stream, with checkpoints every 100 ms.
    settings: { checkpointIntervalMs: 100 },
    nodes: [
      { id: 'in', type: 'source.rabbitmq', config: { url: RABBITMQ_URL, queue, queueType, prefetch: 500 } },
      { id: 'slow', type: 'throttle', config: { ratePerSec: 500, mode: 'delay' } },
      { id: 'map', type: 'map', config: { expression: '({ i: value.i, doubled: value.i * 2 })' } },
      { id: 'out', type: 'sink.file', config: { path: out, envelope: true } },
    ],
    edges: [
      { id: 'e1', from: { node: 'in', port: 'out' }, to: { node: 'slow', port: 'in' } },
      { id: 'e2', from: { node: 'slow', port: 'out' }, to: { node: 'map', port: 'in' } },
      { id: 'e3', from: { node: 'map', port: 'out' }, to: { node: 'out', port: 'in' } },
    ],
  };
}

describe('RabbitMQ under SIGKILL', () => {
  it(
    'a stream queue into sink.file holds every message exactly once',
    async () => {
      const queue = uniqueName('sluice-crash-stream');
      queues.push(queue);
      await publishJson(
        admin,
        queue,
        'stream',
        Array.from({ length: COUNT }, (_, i) => ({ i })),
      );
      const dir = path.join(root, 'stream');
      const out = path.join(dir, 'out.jsonl');
      const graph = writeGraph(dir, queueToFile(queue, 'stream', 'out.jsonl'));
      const state = path.join(dir, 'state.db');
      const log = await killRepeatedly(graph, state, {
        kills: KILLS,
        seed: SEED,
        maxMs: 300,
        progress: () => lines(out).length,
        total: COUNT,
      });
      expect(log.kills, `kills at ${log.at.join(', ')}`).toBeGreaterThanOrEqual(KILLS);
      await runUntilDone(graph, state, 4000, () => lines(out).length >= COUNT);
      const events = lines(out).map((l) => JSON.parse(l) as { id: string; value: { i: number } });
      expect(
        events.map((e) => e.value.i),
        `seed ${SEED}`,
      ).toEqual(Array.from({ length: COUNT }, (_, i) => i));
      expect(new Set(events.map((e) => e.id)).size).toBe(COUNT);
    },
    TIMEOUT_MS,
  );

  it(
    'a classic queue into sink.file loses nothing and ends empty',
    async () => {
      const queue = uniqueName('sluice-crash-classic');
      queues.push(queue);
      await publishJson(
        admin,
        queue,
        'classic',
        Array.from({ length: COUNT }, (_, i) => ({ i })),
      );
      const dir = path.join(root, 'classic');
      const out = path.join(dir, 'out.jsonl');
      const graph = writeGraph(dir, queueToFile(queue, 'classic', 'out.jsonl'));
      const state = path.join(dir, 'state.db');
      const log = await killRepeatedly(graph, state, {
        kills: KILLS,
        seed: SEED + 1,
        maxMs: 300,
        progress: () => lines(out).length,
        total: COUNT,
      });
      expect(log.kills, `kills at ${log.at.join(', ')}`).toBeGreaterThanOrEqual(KILLS);
      const seen = (): Set<number> =>
        new Set(lines(out).map((l) => (JSON.parse(l) as { value: { i: number } }).value.i));
      const t0 = Date.now();
      await runUntilDone(graph, state, 4000, () => seen().size >= COUNT);
      if (process.env['SLUICE_CRASH_VERBOSE'])
        console.log(
          `classic: kills at ${log.at.join(', ')}; final runs ${Date.now() - t0} ms; ${lines(out).length} lines`,
        );
      expect(seen().size, `seed ${SEED + 1}`).toBe(COUNT);
      expect(await queueDepth(admin, queue)).toBe(0);
    },
    TIMEOUT_MS,
  );

  it(
    'sink.rabbitmq under kills leaves every event in the queue at least once',
    async () => {
      const queue = uniqueName('sluice-crash-sink');
      queues.push(queue);
      const dir = path.join(root, 'sink');
      const graph = writeGraph(dir, {
        format: 'sluice/graph',
        version: 1,
        name: 'RabbitMQ sink crash',
        settings: { checkpointIntervalMs: 100 },
        nodes: [
          { id: 'gen', type: 'source.generator', config: { count: COUNT, ratePerSec: 500, keys: 4 } },
          { id: 'out', type: 'sink.rabbitmq', config: { url: RABBITMQ_URL, queue } },
        ],
        edges: [{ id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'out', port: 'in' } }],
      });
      const state = path.join(dir, 'state.db');
      const log = await killRepeatedly(graph, state, {
        kills: KILLS,
        seed: SEED + 2,
        maxMs: 300,
        progress: () => queueDepth(admin, queue),
        total: COUNT,
      });
      expect(log.kills, `kills at ${log.at.join(', ')}`).toBeGreaterThanOrEqual(KILLS);
      expect(log.at[log.at.length - 1]).toBeLessThan(COUNT);
      const last = await runCli(['run', graph, '--state', state], { timeoutMs: 60_000 });
      expect(last.code, last.stderr).toBe(0);
      const ch = await admin.createChannel();
      const ids = new Set<string>();
      let total = 0;
      for (let m = await ch.get(queue, { noAck: true }); m !== false; m = await ch.get(queue, { noAck: true })) {
        ids.add(String(m.properties.messageId));
        total++;
      }
      await ch.close();
      expect(ids.size, `seed ${SEED + 2}`).toBe(COUNT);
      expect(total).toBeGreaterThanOrEqual(COUNT);
    },
    TIMEOUT_MS,
  );
});
