import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MqttReader } from '../../../../../engine/connectors/mqtt/MqttReader.js';
import { takeN, uniqueName, waitFor } from '../connectorTestKit.js';

const URL = 'mqtt://127.0.0.1:1883';
let pub: MqttClient;
beforeAll(async () => {
  pub = await mqtt.connectAsync(URL, { protocolVersion: 5 });
});
afterAll(async () => {
  await pub.endAsync();
});

function open(config: Record<string, unknown>): MqttReader {
  return new MqttReader({
    kind: 'mqtt',
    config: { url: URL, ...config },
    resumeFrom: null,
    onReadable: () => undefined,
  });
}

describe('MqttReader', () => {
  it('reads a wildcard subscription and keeps unacknowledged QoS 1 messages in the persistent session', async () => {
    const base = uniqueName('sluice-test');
    const clientId = uniqueName('sluice-reader');
    const first = open({ topic: `${base}/+/temp`, qos: 1, clientId });
    await waitFor('connected', () => first.status().state === 'connected');
    await Promise.all(
      [1, 2, 3, 4].map((i) => pub.publishAsync(`${base}/room${i}/temp`, JSON.stringify({ i }), { qos: 1 })),
    );
    await pub.publishAsync(`${base}/room9/humidity`, '{}', { qos: 1 });
    const a = await takeN(first, 4);
    expect(a.map((m) => m.subject)).toEqual([1, 2, 3, 4].map((i) => `${base}/room${i}/temp`));
    expect(a[0]?.payload).toBe('{"i":1}');
    // No checkpoint completed: the broker redelivers all four to the same session.
    first.mark(1);
    first.close();

    const second = open({ topic: `${base}/+/temp`, qos: 1, clientId });
    const b = await takeN(second, 4);
    expect(b.map((m) => JSON.parse(m.payload) as unknown)).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }, { i: 4 }]);
    expect(b.map((m) => m.id)).toEqual(a.map((m) => m.id));
    second.close();
  });

  it('acknowledges only what completed checkpoints cover', async () => {
    const base = uniqueName('sluice-test');
    const clientId = uniqueName('sluice-reader');
    const first = open({ topic: `${base}/#`, qos: 1, clientId });
    await waitFor('connected', () => first.status().state === 'connected');
    await Promise.all([1, 2, 3, 4].map((i) => pub.publishAsync(`${base}/x`, String(i), { qos: 1 })));
    await takeN(first, 2);
    first.mark(1);
    await takeN(first, 2);
    first.mark(2);
    first.acknowledge(1);
    first.close();

    const second = open({ topic: `${base}/#`, qos: 1, clientId });
    const again = await takeN(second, 2);
    expect(again.map((m) => m.payload)).toEqual(['3', '4']);
    second.mark(1);
    second.acknowledge(1);
    second.close();
    const third = open({ topic: `${base}/#`, qos: 1, clientId });
    await waitFor('connected', () => third.status().state === 'connected');
    await pub.publishAsync(`${base}/x`, '5', { qos: 1 });
    const last = await takeN(third, 1);
    expect(last.map((m) => m.payload)).toEqual(['5']);
    third.close();
  });

  it('gives ids from the message-id user property, else from topic and payload', async () => {
    const base = uniqueName('sluice-test');
    const reader = open({ topic: `${base}/#`, qos: 1 });
    await waitFor('connected', () => reader.status().state === 'connected');
    await pub.publishAsync(`${base}/a`, '1', { qos: 1, properties: { userProperties: { 'message-id': 'evt-9' } } });
    await pub.publishAsync(`${base}/a`, '1', { qos: 1 });
    const got = await takeN(reader, 2);
    expect(got[0]?.id).toBe('evt-9');
    expect(got[0]?.headers['message-id']).toBe('evt-9');
    expect(got[1]?.id).toMatch(new RegExp(`^${base}/a@[0-9a-f]{24}$`));
    reader.close();
  });
});
