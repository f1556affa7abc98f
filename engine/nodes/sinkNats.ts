import type { NodeDescriptor } from '../contract/descriptor.js';
import { BrokerSinkOperator } from './BrokerSink.js';
import { BROKER_SINK_FIELDS, CONNECTOR_SINK_TRAITS, urlField } from './connectorFields.js';

/** `sink.nats`: JetStream publishes at checkpoint completion, deduplicated by `Nats-Msg-Id` (SPEC §10). */
export const sinkNats: NodeDescriptor = {
  type: 'sink.nats',
  title: 'NATS JetStream sink',
  category: 'sink',
  doc:
    'Publishes each event to a NATS JetStream subject when the checkpoint covering it completes. ' +
    'Each message carries `Nats-Msg-Id` = the event id, so a resend after a crash is dropped by the ' +
    "server within the stream's duplicate window (2 minutes by default): exactly once.",
  config: {
    url: urlField('nats://127.0.0.1:4222'),
    subject: {
      kind: 'string',
      label: 'Subject',
      doc: 'The subject to publish on; `${key}` is replaced by the event key, e.g. `orders.${key}`, and `${partition}` by hash(key) % partitions, e.g. `orders.${partition}`.',
      required: true,
    },
    partitions: {
      kind: 'number',
      label: 'Partitions',
      doc: 'With `${partition}` in the subject: how many partitions keys are hashed over (the hash a group run partitions by).',
      min: 1,
      max: 4096,
      integer: true,
    },
    stream: {
      kind: 'string',
      label: 'Stream',
      doc: 'A stream to create if missing, capturing the subject (`${key}` as a wildcard). Empty: a stream must already capture it.',
    },
    ...BROKER_SINK_FIELDS,
  },
  ...CONNECTOR_SINK_TRAITS,
  create: (ctx) => new BrokerSinkOperator(ctx, 'nats', 'subject'),
};
