import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import type { IPublishPacket } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, waitFor } from '../connectors/connectorTestKit.js';
import { MQTT_URL } from '../connectors/mqtt/mosquittoTestKit.js';
import { graphOf, runToEnd } from '../runtime/runGraph.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-mqtt-sink-test-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('sink.mqtt', () => {
  // A run's workers take seconds to start on a loaded 2-core machine (CI runs suites in parallel).
  it('publishes every event on its key topic with QoS 1 and message-id = event id', { timeout: 120_000 }, async () => {
    const base = uniqueName('sluice-test');
    const sub = await mqtt.connectAsync(MQTT_URL, { protocolVersion: 5 });
    const got: IPublishPacket[] = [];
    sub.on('message', (_t, _p, packet) => got.push(packet));
    await sub.subscribeAsync(`${base}/#`, { qos: 1 });
    const graph = graphOf({
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 500, keys: 5 } },
        { id: 'out', type: 'sink.mqtt', config: { url: MQTT_URL, topic: `${base}/\${key}`, qos: 1 } },
      ],
      edges: ['gen -> out'],
    });
    const r = await runToEnd(graph, { dir, statePath: path.join(dir, `${base}.db`) });
    expect(r.result.status).toBe('finished');
    await waitFor('500 messages', () => got.length >= 500);
    await sub.endAsync();
    expect(new Set(got.map((p) => p.properties?.userProperties?.['message-id'])).size).toBe(500);
    expect(new Set(got.map((p) => p.topic))).toEqual(new Set([0, 1, 2, 3, 4].map((k) => `${base}/k${k}`)));
    expect(JSON.parse(got[0]!.payload.toString())).toEqual({ seq: 0 });
  });
});
