import type { NodeDescriptor } from '../contract/descriptor.js';
import { BrokerSourceOperator } from './BrokerSource.js';
import { BROKER_SOURCE_FIELDS, CONNECTOR_SOURCE_TRAITS, urlField } from './connectorFields.js';

/** `source.nats`: a JetStream stream, exactly-once by the checkpointed stream sequence (SPEC §10). */
export const sourceNats: NodeDescriptor = {
  type: 'source.nats',
  title: 'NATS JetStream',
  category: 'source',
  doc:
    'Reads a NATS JetStream stream, one event per message. Exactly once into a transactional sink: ' +
    'the stream sequence is part of the checkpoint and a restarted run resumes right after it. ' +
    'Event ids are "<stream>:<sequence>"; the event time is the message timestamp.',
  config: {
    url: urlField('nats://127.0.0.1:4222'),
    stream: { kind: 'string', label: 'Stream', doc: 'The JetStream stream to read; it must exist.', required: true },
    subject: {
      kind: 'string',
      label: 'Subject filter',
      doc: 'Only messages on these subjects (wildcards `*` and `>`). Empty: the whole stream.',
    },
    deliver: {
      kind: 'enum',
      values: ['all', 'new', 'from-sequence', 'from-time'],
      label: 'Start at',
      doc: 'Where a first run starts: the whole stream, only messages published from now on, a sequence, or a time. A resumed run always continues after its checkpoint.',
      default: 'all',
    },
    startSequence: {
      kind: 'number',
      label: 'Start sequence',
      doc: 'With `from-sequence`: the first stream sequence to read.',
      min: 1,
      integer: true,
    },
    startTime: {
      kind: 'string',
      label: 'Start time',
      doc: 'With `from-time`: an ISO date, e.g. `2026-01-31T12:00:00Z`.',
    },
    ...BROKER_SOURCE_FIELDS,
    envelope: {
      kind: 'boolean',
      label: 'Whole events',
      doc: "Payloads are whole events { id, key, time, value } (a sink's Whole event): the key, time and value come from them (the key and time expressions still override).",
      default: false,
    },
  },
  ...CONNECTOR_SOURCE_TRAITS,
  check(config) {
    const problems: Array<{ field?: string; message: string }> = [];
    if (config.deliver === 'from-sequence' && typeof config.startSequence !== 'number') {
      problems.push({ field: 'startSequence', message: 'Starting from a sequence needs the start sequence.' });
    }
    if (config.deliver === 'from-time' && !Number.isFinite(Date.parse(String(config.startTime ?? '')))) {
      problems.push({ field: 'startTime', message: 'Starting from a time needs a start time as an ISO date.' });
    }
    return problems;
  },
  create: (ctx) => new BrokerSourceOperator(ctx, 'nats'),
};
