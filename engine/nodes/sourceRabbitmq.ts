import type { NodeDescriptor } from '../contract/descriptor.js';
import { BrokerSourceOperator } from './BrokerSource.js';
import { BROKER_SOURCE_FIELDS, CONNECTOR_SOURCE_TRAITS, urlField } from './connectorFields.js';

/** `source.rabbitmq`: a queue over AMQP 0-9-1; stream queues exactly once by offset (SPEC §10). */
export const sourceRabbitmq: NodeDescriptor = {
  type: 'source.rabbitmq',
  title: 'RabbitMQ',
  category: 'source',
  doc:
    'Consumes a RabbitMQ queue (declared if missing). A stream queue is read exactly once: its offset ' +
    'is part of the checkpoint and a restored run resumes after it; event ids are "<queue>:<offset>". ' +
    'Classic and quorum queues are at-least-once: deliveries are acknowledged when the checkpoint ' +
    'covering them completes, so after a crash the broker redelivers them; ids are the message-id ' +
    '(or a hash of the message when it has none).',
  config: {
    url: urlField('amqp://${env:RABBITMQ_USER}:${env:RABBITMQ_PASSWORD}@127.0.0.1:5672'),
    queue: {
      kind: 'string',
      label: 'Queue',
      doc: 'The queue to consume; declared (durable) if missing.',
      required: true,
    },
    queueType: {
      kind: 'enum',
      values: ['classic', 'quorum', 'stream'],
      label: 'Queue type',
      doc: 'stream: exactly once by offset. classic/quorum: at-least-once, acknowledged after the checkpoint. Must match an existing queue.',
      default: 'classic',
    },
    prefetch: {
      kind: 'number',
      label: 'Prefetch',
      doc: 'Deliveries the broker may send before they are acknowledged. Classic/quorum queues acknowledge at checkpoints, so this bounds the events per checkpoint interval.',
      default: 10_000,
      min: 1,
      max: 65_535,
      integer: true,
    },
    startFrom: {
      kind: 'enum',
      values: ['first', 'next'],
      label: 'Start (streams)',
      doc: 'Where a first run starts reading a stream: its first message, or only messages published from now on. A restored run resumes after its checkpoint.',
      default: 'first',
    },
    ...BROKER_SOURCE_FIELDS,
  },
  ...CONNECTOR_SOURCE_TRAITS,
  create: (ctx) => new BrokerSourceOperator(ctx, 'rabbitmq'),
};
