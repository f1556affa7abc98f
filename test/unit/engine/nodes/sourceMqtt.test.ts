import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, waitFor } from '../connectors/connectorTestKit.js';
import { MQTT_URL, PrivateMosquitto } from '../connectors/mqtt/mosquittoTestKit.js';
import { runUntil, startLive, type LiveRun } from '../connectors/runUntil.js';
import { graphOf, runToEnd } from '../runtime/runGraph.js';

let dir: string;
let pub: MqttClient;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-mqtt-test-'));
  pub = await mqtt.connectAsync(MQTT_URL, { protocolVersion: 5 });
});
afterAll(async () => {
  await pub.endAsync();
  fs.rmSync(dir, { recursive: true, force: true });
});

function lines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

async function publish(client: MqttClient, topic: string, values: readonly unknown[]): Promise<void> {
  await Promise.all(
    values.map((v) => client.publishAsync(topic, typeof v === 'string' ? v : JSON.stringify(v), { qos: 1 })),
  );
}

function pipeline(config: Record<string, unknown>, out: string, errors?: string) {
  return graphOf({
    nodes: [
      { id: 'in', type: 'source.mqtt', config: { url: MQTT_URL, qos: 1, keyExpression: 'subject', ...config } },
      { id: 'out', type: 'sink.file', config: { path: out, envelope: true } },
      ...(errors ? [{ id: 'bad', type: 'sink.file', config: { path: errors } }] : []),
    ],
    edges: ['in -> out', ...(errors ? ['in.error -> bad'] : [])],
  });
}

describe('source.mqtt', () => {
  // Deadlines are generous throughout: on a loaded 2-core machine a run's workers take seconds to start.
  it(
    'reads a wildcard subscription into sink.file; a persistent session keeps what arrives while the run is away',
    { timeout: 180_000 },
    async () => {
      const base = uniqueName('sluice-test');
      const clientId = uniqueName('sluice-src');
      const out = path.join(dir, `${clientId}.jsonl`);
      const graph = pipeline({ topic: `${base}/+/temp`, clientId }, out);
      const statePath = path.join(dir, `${clientId}.db`);
      const first = await startLive(graph, dir, statePath);
      await waitFor('connected', () => first.last()?.nodes['in']?.connection?.state === 'connected', 60_000);
      await publish(
        pub,
        `${base}/a/temp`,
        Array.from({ length: 100 }, (_, i) => ({ i })),
      );
      await publish(pub, `${base}/a/humidity`, [{ ignored: true }]);
      await waitFor('100 lines', () => lines(out).length >= 100, 60_000);
      await first.run.stop();
      // Published while no run is connected: the broker keeps them for the session.
      await publish(
        pub,
        `${base}/b/temp`,
        Array.from({ length: 50 }, (_, i) => ({ i: 100 + i })),
      );
      const second = await runUntil(graph, { dir, statePath, timeoutMs: 60_000 }, () => lines(out).length >= 150);
      expect(second.result.status).toBe('stopped');
      const events = lines(out).map((l) => JSON.parse(l) as { key: string; value: { i: number } });
      expect(events.map((e) => e.value.i)).toEqual(Array.from({ length: 150 }, (_, i) => i));
      expect(events[0]!.key).toBe(`${base}/a/temp`);
      expect(events[149]!.key).toBe(`${base}/b/temp`);
    },
  );

  it('sends a payload that is not JSON to the error port', { timeout: 120_000 }, async () => {
    const base = uniqueName('sluice-test');
    const out = path.join(dir, `${base}.jsonl`);
    const errors = path.join(dir, `${base}.errors.jsonl`);
    const live = await startLive(pipeline({ topic: `${base}/#` }, out, errors), dir);
    await waitFor('connected', () => live.last()?.nodes['in']?.connection?.state === 'connected', 60_000);
    await publish(pub, `${base}/x`, ['{"ok":1}', '<xml/>', '{"ok":2}']);
    await waitFor('2 good and 1 bad', () => lines(out).length >= 2 && lines(errors).length >= 1, 60_000);
    await live.run.stop();
    expect((JSON.parse(lines(errors)[0]!) as { error: string }).error).toMatch(/is not JSON/);
  });

  it('fails at start with one line when no broker answers', { timeout: 120_000 }, async () => {
    const r = await runToEnd(
      pipeline({ url: 'mqtt://127.0.0.1:1', topic: 'x', connectTimeoutMs: 500 }, 'never.jsonl'),
      {
        dir,
        durationMs: 60_000,
      },
    );
    expect(r.result.status).toBe('failed');
    expect(r.result.reason).toMatch(
      /^node "in": MQTT broker at mqtt:\/\/127\.0\.0\.1:1: .*ECONNREFUSED.*; gave up after/,
    );
  });

  // The second 100 are published while the reader cannot connect (the broker listens on the
  // producer's port only), so they can reach it only through its persistent session, restored
  // from the broker's persistence file. Deadlines are generous: the reconnect waits up to 10 s
  // between attempts (the backoff's cap), and the machine may be loaded.
  it(
    'waits while the broker is down, reconnects to its session, and loses no QoS 1 message',
    { timeout: 300_000 },
    async () => {
      const broker = await PrivateMosquitto.start();
      const producer = await mqtt.connectAsync(broker.sideUrl, { protocolVersion: 5, reconnectPeriod: 200 });
      const state = (live: LiveRun) => live.last()?.nodes['in']?.connection?.state;
      const values = () => new Set(lines(out).map((l) => (JSON.parse(l) as { value: { i: number } }).value.i));
      const clientId = uniqueName('sluice-src');
      const out = path.join(dir, `${clientId}.jsonl`);
      try {
        const live = await startLive(
          pipeline({ url: broker.url, topic: 'plant/#', clientId }, out),
          dir,
          path.join(dir, `${clientId}.db`),
        );
        await waitFor('connected', () => state(live) === 'connected', 60_000);
        await publish(
          producer,
          'plant/1',
          Array.from({ length: 100 }, (_, i) => ({ i })),
        );
        await waitFor('100 lines', () => lines(out).length >= 100, 60_000);
        await broker.stop();
        await waitFor('reconnecting', () => state(live) === 'reconnecting', 60_000);
        await broker.start({ sideOnly: true });
        await waitFor('producer back', () => producer.connected, 60_000);
        await publish(
          producer,
          'plant/2',
          Array.from({ length: 100 }, (_, i) => ({ i: 100 + i })),
        );
        expect(state(live)).toBe('reconnecting');
        await broker.stop();
        await broker.start();
        await waitFor('all 200', () => values().size >= 200, 120_000);
        expect([...values()].sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i));
        await waitFor('connected again', () => state(live) === 'connected', 60_000);
        await live.run.stop();
      } finally {
        await producer.endAsync(true);
        await broker.dispose();
      }
    },
  );
});
