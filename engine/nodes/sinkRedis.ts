import type { NodeDescriptor } from '../contract/descriptor.js';
import { BrokerSinkOperator } from './BrokerSink.js';
import { BROKER_SINK_FIELDS, CONNECTOR_SINK_TRAITS, urlField } from './connectorFields.js';

/** `sink.redis`: XADD at checkpoint completion, idempotent per sink (SPEC §10). */
export const sinkRedis: NodeDescriptor = {
  type: 'sink.redis',
  title: 'Redis Streams sink',
  category: 'sink',
  doc:
    'Adds each event to a Redis stream (fields payload, id, key) when the checkpoint covering it ' +
    "completes. Exactly once: a script adds only what the sink's commit record does not already " +
    'cover, so a resend after a crash adds nothing.',
  config: {
    url: urlField('redis://127.0.0.1:6379'),
    stream: { kind: 'string', label: 'Stream', doc: 'The stream key to add to; created if missing.', required: true },
    maxLen: {
      kind: 'number',
      label: 'Max length',
      doc: 'Trim the stream to about this many entries (MAXLEN ~). Empty: no trimming.',
      min: 1,
      integer: true,
    },
    ...BROKER_SINK_FIELDS,
  },
  ...CONNECTOR_SINK_TRAITS,
  create: (ctx) => new BrokerSinkOperator(ctx, 'redis'),
};
