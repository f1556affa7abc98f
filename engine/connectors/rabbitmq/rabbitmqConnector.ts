import type { ConfirmChannel } from 'amqplib';
import type { BrokerWriter, BrokerWriterOptions } from '../../contract/connector.js';
import type { ConnectorEnv, ConnectorFactory } from '../ConnectorFactory.js';
import { causeOf, ConnectorError } from '../ConnectorError.js';
import { startTimeoutOf, textOf } from '../connectorConfig.js';
import type { OutboxRecord } from '../Outbox.js';
import { OutboxWriter } from '../OutboxWriter.js';
import { redactUrl } from '../redactUrl.js';
import { closeRabbitMq, openRabbitMq, queueTypeOf, RabbitMqReader, type RabbitMqSession } from './RabbitMqReader.js';
import { rabbitMqError } from './rabbitMqError.js';

/**
 * RabbitMQ (SPEC §10) over AMQP 0-9-1 with `amqplib`: the client the field uses for Node (the
 * RabbitMQ tutorials' own), pure JS, typed by @types/amqplib. Stream queues are read over
 * AMQP 0-9-1 too (`x-stream-offset`), so the stream plugin is not needed.
 */
export const rabbitmqConnector: ConnectorFactory = {
  kind: 'rabbitmq',
  openReader: (options) => new RabbitMqReader(options),
  openWriter: (options, env) => openRabbitMqWriter(options, env),
  probe: probeRabbitMq,
};

/**
 * Log in, open a channel and, given a queue, look it up with a passive declare (which changes
 * nothing on the broker). A missing queue is no failure: the run declares it, so the answer
 * is a remark (a misspelt name shows there).
 */
async function probeRabbitMq(url: string, timeoutMs: number, queue?: string): Promise<string | void> {
  let missing = false;
  const s = await openRabbitMq(
    url,
    'sluice test connection',
    timeoutMs,
    false,
    async (channel) => {
      if (queue === undefined) return;
      try {
        await channel.checkQueue(queue);
      } catch (err) {
        // The broker closes the channel with 404 NOT_FOUND; the connection is still fine.
        if (!/\b404\b|NOT[-_]FOUND/.test(causeOf(err))) throw err;
        missing = true;
      }
    },
    () => {},
  );
  await closeRabbitMq(s);
  if (missing) return `Connected, but there is no queue "${queue}" yet: the run will declare it.`;
}

/**
 * `sink.rabbitmq`: the outbox sends what completed checkpoints cover on a confirm channel
 * (publisher confirms), persistent messages with `message-id` = the event id and
 * `x-event-time` = the event time in ms: at-least-once, a resend carries the same id. The
 * queue, when configured, is declared if missing (and bound to a named exchange with a fixed
 * routing key); a named exchange must exist. Messages go out `mandatory`: one the exchange
 * routes to no queue comes back (`basic.return`, before its confirm), and the sink fails naming
 * the exchange and routing key, the batch kept in the outbox for the next run, unless
 * `unroutable` is `drop` (RabbitMQ's own default: it drops such a message silently).
 */
function openRabbitMqWriter(o: BrokerWriterOptions, env: ConnectorEnv): BrokerWriter {
  const c = o.config;
  const url = textOf(c, 'url') ?? 'amqp://127.0.0.1:5672';
  const exchange = textOf(c, 'exchange') ?? '';
  const queue = textOf(c, 'queue') ?? '';
  const routingKey = textOf(c, 'routingKey') ?? queue;
  const queueType = queueTypeOf(c);
  const timeout = startTimeoutOf(c);
  const mandatory = textOf(c, 'unroutable') !== 'drop';
  /** Routing keys of messages the broker returned as unroutable, in the batch being sent. */
  const returned: string[] = [];
  let writer: OutboxWriter<RabbitMqSession> | null = null;
  writer = new OutboxWriter<RabbitMqSession>(
    {
      where: `RabbitMQ at ${redactUrl(url)}`,
      startTimeoutMs: timeout,
      open: async () => {
        let s: RabbitMqSession | null = null;
        s = await openRabbitMq(
          url,
          `sluice sink ${queue || exchange || routingKey}`,
          Math.min(timeout, 10_000),
          true,
          async (channel) => {
            channel.on('return', (m: { fields: { routingKey: string } }) => returned.push(m.fields.routingKey));
            if (exchange !== '') await channel.checkExchange(exchange);
            if (queue !== '') {
              await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': queueType } });
              if (exchange !== '' && !routingKey.includes('${')) await channel.bindQueue(queue, exchange, routingKey);
            }
          },
          (err) => {
            if (s !== null && writer?.connection.session === s) writer.connection.lost(err);
          },
        );
        return s;
      },
      shut: closeRabbitMq,
      changed: () => {},
    },
    env.outbox(),
    {
      batchSize: 1000,
      async send(s: RabbitMqSession, batch: readonly OutboxRecord[]): Promise<void> {
        const channel = s.channel as ConfirmChannel;
        returned.length = 0;
        try {
          for (const r of batch) {
            const ok = channel.publish(exchange, r.subject ?? routingKey, Buffer.from(r.payload, 'utf8'), {
              messageId: r.id,
              persistent: true,
              mandatory,
              contentType: 'application/json',
              timestamp: Math.floor(r.time / 1000),
              headers: { 'x-event-time': r.time },
            });
            if (!ok)
              await new Promise<void>((resolve, reject) => {
                channel.once('drain', resolve);
                channel.once('close', () => reject(new Error('the channel closed')));
              });
          }
          await channel.waitForConfirms();
        } catch (err) {
          throw rabbitMqError(err);
        }
        if (returned.length > 0) throw unroutableError(exchange, returned);
      },
    },
  );
  return writer;
}

/** The broker confirmed these messages only to say it routed them to no queue. */
function unroutableError(exchange: string, routingKeys: readonly string[]): ConnectorError {
  const keys = [...new Set(routingKeys)];
  const shown =
    keys
      .slice(0, 3)
      .map((k) => `"${k}"`)
      .join(', ') + (keys.length > 3 ? `, … (${keys.length} keys)` : '');
  const where =
    exchange === '' ? 'the default exchange has no queue named' : `exchange "${exchange}" has no queue bound for`;
  return new ConnectorError(
    `${routingKeys.length} message${routingKeys.length === 1 ? '' : 's'} reached no queue: ${where} ` +
      `routing key ${shown}. They stay in the outbox for the next run: declare the queue (Queue), bind one, ` +
      `or set Unroutable messages to “drop”.`,
    true,
  );
}
