import mqtt from 'mqtt';
import type { IPublishPacket } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { mqttConnector } from '../../../../../engine/connectors/mqtt/mqttConnector.js';
import { sendThrough, testEnv, uniqueName, waitFor } from '../connectorTestKit.js';

const URL = 'mqtt://127.0.0.1:1883';

describe('sink.mqtt connection', () => {
  it('publishes each record on its topic with the QoS, the retain flag and message-id = event id', async () => {
    const base = uniqueName('sluice-test');
    const w = mqttConnector.openWriter!(
      { kind: 'mqtt', config: { url: URL, topic: `${base}/default`, qos: 1, retain: true } },
      testEnv(),
    );
    const settled = await sendThrough(w, [
      { id: 'e-1', key: 'k1', time: 0, payload: '{"t":20}', subject: `${base}/k1` },
      { id: 'e-2', key: null, time: 0, payload: '{"t":21}' },
    ]);
    expect(settled).toBe(true);
    w.close();
    // Retained: a subscriber that comes later still gets the last message of each topic.
    const sub = await mqtt.connectAsync(URL, { protocolVersion: 5 });
    const got: IPublishPacket[] = [];
    sub.on('message', (_t, _p, packet) => got.push(packet));
    await sub.subscribeAsync(`${base}/#`, { qos: 1 });
    await waitFor('two retained messages', () => got.length >= 2);
    const byTopic = new Map(got.map((p) => [p.topic, p]));
    expect(byTopic.get(`${base}/k1`)?.payload.toString()).toBe('{"t":20}');
    expect(byTopic.get(`${base}/default`)?.properties?.userProperties?.['message-id']).toBe('e-2');
    expect(byTopic.get(`${base}/k1`)?.retain).toBe(true);
    for (const t of byTopic.keys()) await sub.publishAsync(t, '', { qos: 1, retain: true });
    await sub.endAsync();
  });

  it('fails at start in one line when the broker cannot be reached, naming the URL without credentials', async () => {
    const w = mqttConnector.openWriter!(
      { kind: 'mqtt', config: { url: 'mqtt://u:p@127.0.0.1:1', topic: 'x', connectTimeoutMs: 300 } },
      testEnv(),
    );
    const status = await waitFor('failed', () => (w.status().state === 'failed' ? w.status() : undefined));
    expect(status.error).toMatch(
      /^MQTT broker at mqtt:\/\/127\.0\.0\.1:1: .*ECONNREFUSED.*; gave up after \d+ attempts?/,
    );
    w.close();
  });
});
