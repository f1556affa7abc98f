import { describe, expect, it } from 'vitest';
import { RabbitMqReader } from '../../../../../engine/connectors/rabbitmq/RabbitMqReader.js';
import { takeN, uniqueName, waitFor } from '../connectorTestKit.js';
import { publishJson, RABBITMQ_URL, useRabbitAdmin } from './rabbitMqTestKit.js';

const URL = RABBITMQ_URL;
const rabbit = useRabbitAdmin();
const queues = rabbit.queues;

const publish = (queue: string, type: string, bodies: unknown[]) => publishJson(rabbit.admin, queue, type, bodies);

function open(config: Record<string, unknown>, resumeFrom: unknown = null): RabbitMqReader {
  return new RabbitMqReader({
    kind: 'rabbitmq',
    config: { url: URL, ...config },
    resumeFrom,
    onReadable: () => undefined,
  });
}

describe('RabbitMqReader', () => {
  it('reads a stream queue and resumes after the checkpointed offset, with the same ids', async () => {
    const queue = uniqueName('sluice-test-stream');
    queues.push(queue);
    await publish(
      queue,
      'stream',
      [1, 2, 3, 4, 5].map((i) => ({ i })),
    );
    const first = open({ queue, queueType: 'stream', prefetch: 50 });
    const a = await takeN(first, 3);
    expect(a.map((m) => JSON.parse(m.payload))).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }]);
    const position = first.mark(1);
    expect(position).toEqual({ offset: 2 });
    // Taken after the mark, never checkpointed: replayed by the next run.
    await takeN(first, 2);
    first.close();

    const second = open({ queue, queueType: 'stream', prefetch: 50 }, position);
    const b = await takeN(second, 2);
    expect(b.map((m) => JSON.parse(m.payload))).toEqual([{ i: 4 }, { i: 5 }]);
    expect(b.map((m) => m.id)).toEqual([`${queue}:3`, `${queue}:4`]);
    expect(second.status().state).toBe('connected');
    second.close();
  });

  it('acknowledges a classic queue only when the checkpoint completes', async () => {
    const queue = uniqueName('sluice-test-classic');
    queues.push(queue);
    await publish(
      queue,
      'classic',
      [1, 2, 3, 4].map((i) => ({ i })),
    );
    const first = open({ queue, queueType: 'classic', prefetch: 10 });
    await takeN(first, 2);
    first.mark(1);
    await takeN(first, 2);
    first.mark(2);
    first.acknowledge(1);
    first.acknowledge(1);
    // Leave without acknowledging checkpoint 2: its two go back to the queue, the first two do not.
    first.close();
    const ch = await rabbit.admin.createChannel();
    let depth = -1;
    await waitFor(
      'the unacknowledged two back in the queue',
      () => depth === 2 || void ch.checkQueue(queue).then((q) => (depth = q.messageCount)),
    );
    await ch.close();

    const second = open({ queue, queueType: 'classic', prefetch: 10 });
    const again = await takeN(second, 2);
    expect(again.map((m) => JSON.parse(m.payload))).toEqual([{ i: 3 }, { i: 4 }]);
    second.mark(1);
    second.acknowledge(1);
    second.close();
  });

  it('fails with one line when the queue exists with another type', async () => {
    const queue = uniqueName('sluice-test-mismatch');
    queues.push(queue);
    await publish(queue, 'classic', []);
    const reader = open({ queue, queueType: 'stream' });
    const status = await waitFor('failed', () => (reader.status().state === 'failed' ? reader.status() : undefined));
    expect(status.error).toMatch(/inequivalent arg 'x-queue-type'/);
    expect(status.error).not.toMatch(/guest/);
    reader.close();
  });

  it('fails with one line for a refused login, naming the URL without the password', async () => {
    const reader = new RabbitMqReader({
      kind: 'rabbitmq',
      config: { url: 'amqp://guest:wrong-password@127.0.0.1:5672', queue: 'never' },
      resumeFrom: null,
      onReadable: () => undefined,
    });
    const status = await waitFor('failed', () => (reader.status().state === 'failed' ? reader.status() : undefined));
    expect(status.error).toBe(
      'RabbitMQ at amqp://127.0.0.1:5672: refused the login (check the user and password in the URL)',
    );
    reader.close();
  });
});
