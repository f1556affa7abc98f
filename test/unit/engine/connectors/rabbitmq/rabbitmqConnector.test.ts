import type { GetMessage } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { rabbitmqConnector } from '../../../../../engine/connectors/rabbitmq/rabbitmqConnector.js';
import type { BrokerWriter } from '../../../../../engine/contract/connector.js';
import { sendThrough, testEnv, uniqueName, waitFor } from '../connectorTestKit.js';
import { RABBITMQ_URL, useRabbitAdmin } from './rabbitMqTestKit.js';

const URL = RABBITMQ_URL;
const rabbit = useRabbitAdmin();
const queues = rabbit.queues;

function writer(config: Record<string, unknown>): BrokerWriter {
  return rabbitmqConnector.openWriter!(
    { kind: 'rabbitmq', config: { url: URL, ...config } },
    testEnv('sink.rabbitmq "out"'),
  );
}

describe('sink.rabbitmq connection', () => {
  it('declares the queue and publishes what a completed checkpoint covers, confirmed and persistent, message-id = event id', async () => {
    const queue = uniqueName('sluice-test-sink');
    queues.push(queue);
    const w = writer({ exchange: '', queue, queueType: 'classic' });
    w.write([{ id: 'e-1', key: 'a', time: 1_700_000_000_123, payload: '{"n":1}' }]);
    const settled = await sendThrough(w, [{ id: 'e-2', key: 'b', time: 1_700_000_000_456, payload: '{"n":2}' }]);
    expect(settled).toBe(true);
    expect(w.status()).toMatchObject({ state: 'connected', lag: 0 });
    w.close();
    const ch = await rabbit.admin.createChannel();
    const got: GetMessage[] = [];
    for (let m = await ch.get(queue, { noAck: true }); m !== false; m = await ch.get(queue, { noAck: true }))
      got.push(m);
    await ch.close();
    expect(got.map((m) => m.content.toString())).toEqual(['{"n":1}', '{"n":2}']);
    expect(got.map((m) => m.properties.messageId as unknown)).toEqual(['e-1', 'e-2']);
    expect(got[0]?.properties.deliveryMode).toBe(2);
    expect(got[0]?.properties.headers?.['x-event-time']).toBe(1_700_000_000_123);
  });

  it('sends nothing before the checkpoint completes', async () => {
    const queue = uniqueName('sluice-test-sink');
    queues.push(queue);
    const w = writer({ queue });
    await waitFor('connected', () => w.status().state === 'connected');
    w.stage(1, [{ id: 'e-1', key: null, time: 0, payload: '1' }]);
    const ch = await rabbit.admin.createChannel();
    expect((await ch.checkQueue(queue)).messageCount).toBe(0);
    w.commit(1);
    expect(await w.settle(10_000)).toBe(true);
    expect((await ch.checkQueue(queue)).messageCount).toBe(1);
    await ch.close();
    w.close();
  });

  it('fails in one line for an exchange that does not exist', async () => {
    const exchange = uniqueName('sluice-no-such-exchange');
    const w = writer({ exchange, routingKey: 'x' });
    const status = await waitFor('failed', () => (w.status().state === 'failed' ? w.status() : undefined));
    expect(status.error).toBe(`RabbitMQ at amqp://127.0.0.1:5672: no exchange '${exchange}' in vhost '/'`);
    expect(() => w.stage(1, [])).toThrow(/no exchange/);
    w.close();
  });

  it('fails naming the exchange and routing key when a message reaches no queue, and keeps it for the next run', async () => {
    const routingKey = uniqueName('nobody-listens');
    const w = writer({ exchange: 'amq.direct', routingKey });
    const settled = await sendThrough(w, [
      { id: 'e-1', key: null, time: 0, payload: '1' },
      { id: 'e-2', key: null, time: 0, payload: '2' },
    ]);
    expect(settled).toBe(false);
    const status = await waitFor('failed', () => (w.status().state === 'failed' ? w.status() : undefined));
    expect(status.error).toContain(
      `2 messages reached no queue: exchange "amq.direct" has no queue bound for routing key "${routingKey}"`,
    );
    expect(status.error).toContain('stay in the outbox');
    // Nothing was confirmed as sent: the outbox still holds both.
    expect(status.lag).toBe(2);
    w.close();
  });

  it('drops a message that reaches no queue when told to, as RabbitMQ does', async () => {
    const w = writer({ exchange: 'amq.direct', routingKey: uniqueName('nobody-listens'), unroutable: 'drop' });
    expect(await sendThrough(w, [{ id: 'e-1', key: null, time: 0, payload: '1' }])).toBe(true);
    expect(w.status()).toMatchObject({ state: 'connected', lag: 0 });
    w.close();
  });
});
