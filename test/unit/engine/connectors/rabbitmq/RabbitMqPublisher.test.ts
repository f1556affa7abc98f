import amqp from 'amqplib';
import type { ChannelModel, GetMessage } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RabbitMqPublisher } from '../../../../../engine/connectors/rabbitmq/RabbitMqPublisher.js';
import { uniqueName } from '../waitFor.js';

const URL = 'amqp://guest:guest@127.0.0.1:5672';
let admin: ChannelModel;
const queues: string[] = [];

beforeAll(async () => {
  admin = await amqp.connect(URL);
});
afterAll(async () => {
  const ch = await admin.createChannel();
  for (const q of queues) await ch.deleteQueue(q).catch(() => undefined);
  await admin.close();
});

describe('RabbitMqPublisher', () => {
  it('declares the queue and publishes confirmed, persistent messages with message-id = event id', async () => {
    const queue = uniqueName('sluice-test-sink');
    queues.push(queue);
    const publisher = new RabbitMqPublisher({
      kind: 'rabbitmq',
      config: { url: URL, exchange: '', queue, queueType: 'classic' },
    });
    await publisher.publish([
      { id: 'e-1', key: 'a', time: 1_700_000_000_123, payload: '{"n":1}' },
      { id: 'e-2', key: 'b', time: 1_700_000_000_456, payload: '{"n":2}' },
    ]);
    expect(publisher.status().state).toBe('connected');
    publisher.close();
    const ch = await admin.createChannel();
    const got: GetMessage[] = [];
    for (let m = await ch.get(queue, { noAck: true }); m !== false; m = await ch.get(queue, { noAck: true }))
      got.push(m);
    await ch.close();
    expect(got.map((m) => m.content.toString())).toEqual(['{"n":1}', '{"n":2}']);
    expect(got.map((m) => m.properties.messageId as unknown)).toEqual(['e-1', 'e-2']);
    expect(got[0]?.properties.deliveryMode).toBe(2);
    expect(got[0]?.properties.headers?.['x-event-time']).toBe(1_700_000_000_123);
  });

  it('refuses an exchange that does not exist, in one line', async () => {
    const publisher = new RabbitMqPublisher({
      kind: 'rabbitmq',
      config: { url: URL, exchange: uniqueName('sluice-no-such-exchange'), routingKey: 'x' },
    });
    await expect(publisher.publish([{ id: 'e', key: null, time: 0, payload: '1' }])).rejects.toThrow(
      /no exchange 'sluice-no-such-exchange-.*' in vhost '\/'/,
    );
    expect(publisher.status().state).toBe('failed');
    publisher.close();
  });
});
