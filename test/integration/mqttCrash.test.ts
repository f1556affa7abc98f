/**
 * SIGKILL and restart against a private mosquitto (issue 14, item 5), ≥ 5 kills each:
 * - source.mqtt (QoS 1, persistent session) → sink.file: nothing lost (each PUBACK is held until
 *   the checkpoint covering its message completes, so the broker redelivers what a kill cut off);
 * - generator → sink.mqtt (QoS 1): a subscriber that stays connected receives every event at
 *   least once, counted by the `message-id` user property.
 * SLUICE_CRASH_SEED=<n> replays a schedule.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, waitFor } from '../unit/engine/connectors/connectorTestKit.js';
import { PrivateMosquitto } from '../unit/engine/connectors/mqtt/mosquittoTestKit.js';
import { killRepeatedly, runUntilDone } from './connectorKills.js';
import { runCli, writeGraph } from './sluiceCli.js';

const KILLS = 5;
const SEED = Number(process.env['SLUICE_CRASH_SEED'] ?? 0x3a77);
const COUNT = 3000;
// Six CLI runs (five killed) each start worker threads: seconds apiece on a loaded 2-core machine.
const TIMEOUT_MS = 300_000;

let broker: PrivateMosquitto;
let root: string;
beforeAll(async () => {
  broker = await PrivateMosquitto.start();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-mqtt-crash-'));
});
afterAll(async () => {
  await broker.dispose();
  fs.rmSync(root, { recursive: true, force: true });
});

function lines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

describe('MQTT under SIGKILL', () => {
  it(
    'source.mqtt with QoS 1 and a persistent session loses nothing',
    async () => {
      const clientId = uniqueName('sluice-crash');
      // The session exists before anything is published, so the broker queues every message for it.
      const session = await mqtt.connectAsync(broker.url, {
        protocolVersion: 5,
        clientId,
        clean: false,
        properties: { sessionExpiryInterval: 0xffffffff },
      });
      await session.subscribeAsync('plant/#', { qos: 1 });
      await session.endAsync();
      const producer = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
      for (let i = 0; i < COUNT; i += 500)
        await Promise.all(
          Array.from({ length: Math.min(500, COUNT - i) }, (_, j) =>
            producer.publishAsync(`plant/${(i + j) % 7}`, JSON.stringify({ i: i + j }), { qos: 1 }),
          ),
        );
      await producer.endAsync();

      const dir = path.join(root, 'source');
      const out = path.join(dir, 'out.jsonl');
      const graph = writeGraph(dir, {
        format: 'sluice/graph',
        version: 1,
        name: 'MQTT crash',
        settings: { checkpointIntervalMs: 100 },
        nodes: [
          { id: 'in', type: 'source.mqtt', config: { url: broker.url, topic: 'plant/#', qos: 1, clientId } },
          { id: 'slow', type: 'throttle', config: { ratePerSec: 500, mode: 'delay' } },
          { id: 'out', type: 'sink.file', config: { path: 'out.jsonl', envelope: true } },
        ],
        edges: [
          { id: 'e1', from: { node: 'in', port: 'out' }, to: { node: 'slow', port: 'in' } },
          { id: 'e2', from: { node: 'slow', port: 'out' }, to: { node: 'out', port: 'in' } },
        ],
      });
      const state = path.join(dir, 'state.db');
      const seen = (): Set<number> =>
        new Set(lines(out).map((l) => (JSON.parse(l) as { value: { i: number } }).value.i));
      const log = await killRepeatedly(graph, state, {
        kills: KILLS,
        seed: SEED,
        maxMs: 300,
        progress: () => seen().size,
        total: COUNT,
      });
      expect(log.kills, `kills at ${log.at.join(', ')}`).toBeGreaterThanOrEqual(KILLS);
      await runUntilDone(graph, state, 4000, () => seen().size >= COUNT);
      expect(seen().size, `seed ${SEED}`).toBe(COUNT);
    },
    TIMEOUT_MS,
  );

  it(
    'sink.mqtt with QoS 1 delivers every event at least once',
    async () => {
      const topic = uniqueName('sluice-crash-out');
      const collector = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
      const ids = new Set<string>();
      let received = 0;
      collector.on('message', (_t, _p, packet) => {
        received++;
        const id = packet.properties?.userProperties?.['message-id'];
        if (typeof id === 'string') ids.add(id);
      });
      await collector.subscribeAsync(`${topic}/#`, { qos: 1 });
      try {
        const dir = path.join(root, 'sink');
        const graph = writeGraph(dir, {
          format: 'sluice/graph',
          version: 1,
          name: 'MQTT sink crash',
          settings: { checkpointIntervalMs: 100 },
          nodes: [
            { id: 'gen', type: 'source.generator', config: { count: COUNT, ratePerSec: 500, keys: 4 } },
            { id: 'out', type: 'sink.mqtt', config: { url: broker.url, topic: `${topic}/\${key}`, qos: 1 } },
          ],
          edges: [{ id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'out', port: 'in' } }],
        });
        const state = path.join(dir, 'state.db');
        const log = await killRepeatedly(graph, state, {
          kills: KILLS,
          seed: SEED + 1,
          maxMs: 300,
          progress: () => ids.size,
          total: COUNT,
        });
        expect(log.kills, `kills at ${log.at.join(', ')}`).toBeGreaterThanOrEqual(KILLS);
        const last = await runCli(['run', graph, '--state', state], { timeoutMs: 60_000 });
        expect(last.code, last.stderr).toBe(0);
        await waitFor('every id', () => ids.size >= COUNT, 10_000).catch(() => undefined);
        expect(ids.size, `seed ${SEED + 1}`).toBe(COUNT);
        expect(received).toBeGreaterThanOrEqual(COUNT);
      } finally {
        await collector.endAsync();
      }
    },
    TIMEOUT_MS,
  );
});
