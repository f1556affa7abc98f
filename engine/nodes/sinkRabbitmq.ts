import type { NodeDescriptor } from '../contract/descriptor.js';
import { BrokerSinkOperator } from './BrokerSink.js';
import { BROKER_SINK_FIELDS, CONNECTOR_SINK_TRAITS, urlField } from './connectorFields.js';

/** `sink.rabbitmq`: at-least-once with publisher confirms, `message-id` = event id (SPEC §10). */
export const sinkRabbitmq: NodeDescriptor = {
  type: 'sink.rabbitmq',
  title: 'RabbitMQ sink',
  category: 'sink',
  doc:
    'Publishes each event to a RabbitMQ exchange when the checkpoint covering it completes, as a ' +
    'persistent message confirmed by the broker (publisher confirms). At least once: after a crash ' +
    'the unconfirmed tail is sent again, with `message-id` = the event id so consumers can drop a resend.',
  config: {
    url: urlField('amqp://${env:RABBITMQ_USER}:${env:RABBITMQ_PASSWORD}@127.0.0.1:5672'),
    exchange: {
      kind: 'string',
      label: 'Exchange',
      doc: 'The exchange to publish to; empty: the default exchange, which routes to the queue named by the routing key. A named exchange must exist.',
      default: '',
    },
    routingKey: {
      kind: 'string',
      label: 'Routing key',
      doc: 'The routing key; `${key}` is replaced by the event key, e.g. `orders.${key}`. Empty: the queue name.',
    },
    queue: {
      kind: 'string',
      label: 'Queue',
      doc: 'A queue to declare if missing (and bind to a named exchange with a fixed routing key). Empty: none.',
    },
    queueType: {
      kind: 'enum',
      values: ['classic', 'quorum', 'stream'],
      label: 'Queue type',
      doc: 'The type of the queue declared if missing.',
      default: 'classic',
    },
    unroutable: {
      kind: 'enum',
      values: ['fail', 'drop'],
      label: 'Unroutable messages',
      doc:
        'A message the exchange routes to no queue: `fail` stops the run naming the exchange and routing key ' +
        '(the messages stay in the outbox and are sent on the next run); `drop` lets RabbitMQ drop it, as it does by default.',
      default: 'fail',
    },
    ...BROKER_SINK_FIELDS,
  },
  ...CONNECTOR_SINK_TRAITS,
  check: (c) =>
    (typeof c.routingKey !== 'string' || c.routingKey === '') && (typeof c.queue !== 'string' || c.queue === '')
      ? [{ field: 'routingKey', message: 'Give a routing key or a queue: without either the message goes nowhere.' }]
      : [],
  create: (ctx) => new BrokerSinkOperator(ctx, 'rabbitmq', 'routingKey'),
};
