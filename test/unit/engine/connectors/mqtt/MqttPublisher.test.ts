import mqtt from 'mqtt';
import type { IPublishPacket } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { MqttPublisher } from '../../../../../engine/connectors/mqtt/MqttPublisher.js';
import { uniqueName, waitFor } from '../waitFor.js';

const URL = 'mqtt://127.0.0.1:1883';

describe('MqttPublisher', () => {
  it('publishes each record on its topic with the QoS, the retain flag and message-id = event id', async () => {
    const base = uniqueName('sluice-test');
    const publisher = new MqttPublisher({
      kind: 'mqtt',
      config: { url: URL, topic: `${base}/default`, qos: 1, retain: true },
    });
    await waitFor('connected', () => publisher.status().state === 'connected');
    await publisher.publish([
      { id: 'e-1', key: 'k1', time: 0, payload: '{"t":20}', subject: `${base}/k1` },
      { id: 'e-2', key: null, time: 0, payload: '{"t":21}' },
    ]);
    publisher.close();
    // Retained: a subscriber that comes later still gets the last message of each topic.
    const sub = await mqtt.connectAsync(URL, { protocolVersion: 5 });
    const got: IPublishPacket[] = [];
    sub.on('message', (_t, _p, packet) => got.push(packet));
    await sub.subscribeAsync(`${base}/#`, { qos: 1 });
    await waitFor('two retained messages', () => got.length >= 2);
    await sub.endAsync();
    const byTopic = new Map(got.map((p) => [p.topic, p]));
    expect(byTopic.get(`${base}/k1`)?.payload.toString()).toBe('{"t":20}');
    expect(byTopic.get(`${base}/default`)?.properties?.userProperties?.['message-id']).toBe('e-2');
    expect(byTopic.get(`${base}/k1`)?.retain).toBe(true);
    // Clear the retained messages.
    const clear = await mqtt.connectAsync(URL, { protocolVersion: 5 });
    for (const t of byTopic.keys()) await clear.publishAsync(t, '', { qos: 1, retain: true });
    await clear.endAsync();
  });

  it('rejects a publish while the broker is unreachable, naming the URL', async () => {
    const publisher = new MqttPublisher({ kind: 'mqtt', config: { url: 'mqtt://u:p@127.0.0.1:1', topic: 'x' } });
    await waitFor('reconnecting', () => publisher.status().state === 'reconnecting');
    expect(publisher.status().error).toMatch(/^MQTT broker at mqtt:\/\/127\.0\.0\.1:1 is unreachable: .*ECONNREFUSED/);
    await expect(publisher.publish([{ id: 'e', key: null, time: 0, payload: '1' }])).rejects.toThrow(/unreachable/);
    publisher.close();
  });
});
