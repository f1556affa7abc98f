import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChannelModel, GetMessage } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, waitFor } from '../connectors/connectorTestKit.js';
import { deleteQueues, queueDepth, rabbitAdmin, RABBITMQ_URL } from '../connectors/rabbitmq/rabbitMqTestKit.js';
import { graphOf, runToEnd } from '../runtime/runGraph.js';

let admin: ChannelModel;
const queues: string[] = [];
let dir: string;
beforeAll(async () => {
  admin = await rabbitAdmin();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-rabbitmq-sink-test-'));
});
afterAll(async () => {
  await deleteQueues(admin, queues);
  await admin.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function drain(queue: string): Promise<GetMessage[]> {
  const ch = await admin.createChannel();
  const got: GetMessage[] = [];
  for (let m = await ch.get(queue, { noAck: true }); m !== false; m = await ch.get(queue, { noAck: true })) got.push(m);
  await ch.close();
  return got;
}

describe('sink.rabbitmq', () => {
  // A run's workers take seconds to start on a loaded 2-core machine (CI runs suites in parallel).
  it(
    'publishes every event through a topic exchange to a bound queue, message-id = event id, and a rerun adds nothing',
    { timeout: 120_000 },
    async () => {
      const queue = uniqueName('sluice-test-sink');
      queues.push(queue);
      const exchange = 'amq.topic';
      const graph = graphOf({
        nodes: [
          { id: 'gen', type: 'source.generator', config: { count: 1000, keys: 4 } },
          {
            id: 'out',
            type: 'sink.rabbitmq',
            config: { url: RABBITMQ_URL, exchange, routingKey: `${queue}.#`, queue },
          },
          {
            id: 'keyed',
            type: 'sink.rabbitmq',
            config: { url: RABBITMQ_URL, exchange, routingKey: `${queue}.\${key}` },
          },
        ],
        edges: ['gen -> out', 'gen -> keyed'],
      });
      // `keyed` relies on the binding `out` declares; the two sinks connect in parallel, so
      // `keyed` could publish before it exists and the exchange would drop those messages.
      const setup = await admin.createChannel();
      await setup.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'classic' } });
      await setup.bindQueue(queue, exchange, `${queue}.#`);
      await setup.close();
      const statePath = path.join(dir, `${queue}.db`);
      const r = await runToEnd(graph, { dir, statePath });
      expect(r.result.status).toBe('finished');
      // Under load the end-of-run settle may time out with confirms outstanding (the outbox keeps them): wait for the broker.
      await waitFor(
        '2000 messages in the queue',
        async () => (await queueDepth(admin, queue)) >= 2000 || undefined,
        30_000,
      );
      const got = await drain(queue);
      // The bound queue gets both sinks' messages: `out` with the literal key, `keyed` per event key.
      const ids = got.map((m) => String(m.properties.messageId));
      expect(new Set(ids).size).toBe(1000);
      expect(got).toHaveLength(2000);
      expect(new Set(got.map((m) => m.fields.routingKey))).toEqual(
        new Set([`${queue}.#`, ...[0, 1, 2, 3].map((k) => `${queue}.k${k}`)]),
      );
      const again = await runToEnd(graph, { dir, statePath });
      expect(again.result.status).toBe('finished');
      expect(await drain(queue)).toHaveLength(0);
    },
  );
});
