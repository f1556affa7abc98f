import type { NodeDescriptor } from '../contract/descriptor.js';
import { BrokerSourceOperator } from './BrokerSource.js';
import { BROKER_SOURCE_FIELDS, CONNECTOR_SOURCE_TRAITS, urlField } from './connectorFields.js';

/** `source.redis`: a Redis stream; exactly once by entry id, or at least once in a group (SPEC §10). */
export const sourceRedis: NodeDescriptor = {
  type: 'source.redis',
  title: 'Redis Streams',
  category: 'source',
  doc:
    'Reads a Redis stream, one event per entry. Without a group: exactly once into a transactional ' +
    'sink (the entry id is checkpointed and a restarted run resumes after it). With a group: at least ' +
    'once, each entry acknowledged (XACK) once the checkpoint covering it completes. Event ids are ' +
    '"<stream>:<entry id>"; the event time is the entry id\'s timestamp.',
  config: {
    url: urlField('redis://127.0.0.1:6379'),
    stream: { kind: 'string', label: 'Stream', doc: 'The stream key to read.', required: true },
    group: {
      kind: 'string',
      label: 'Consumer group',
      doc: 'Read as this consumer group (created if missing), acknowledging after each checkpoint. Empty: read the whole stream alone.',
    },
    consumer: {
      kind: 'string',
      label: 'Consumer',
      doc: "The consumer's name in the group. Empty: one stable name per node instance.",
    },
    deliver: {
      kind: 'enum',
      values: ['all', 'new'],
      label: 'Start at',
      doc: 'Where a first run (or a new group) starts: the whole stream, or entries added from now on.',
      default: 'all',
    },
    field: {
      kind: 'string',
      label: 'Payload field',
      doc: 'The entry field holding the payload. An entry without it becomes the JSON of all its fields.',
      default: 'payload',
    },
    ...BROKER_SOURCE_FIELDS,
  },
  ...CONNECTOR_SOURCE_TRAITS,
  create: (ctx) => new BrokerSourceOperator(ctx, 'redis'),
};
