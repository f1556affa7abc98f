import type { FieldSchema, NodeDescriptor } from '../contract/descriptor.js';
import { EVENT_VARS } from './userCodeFailed.js';

/** The names a connector source's expressions may use (SPEC §10). */
export const MESSAGE_VARS = ['value', 'subject', 'headers'] as const;

/** Fields every connector shares, documented once. */
export function urlField(example: string): FieldSchema {
  return {
    kind: 'string',
    label: 'URL',
    doc: `The server, e.g. \`${example}\`, or the name of one of the graph's \`connections\`. Credentials belong in \`\${env:NAME}\` (in the desktop app also \`\${keychain:NAME}\`: Save in keychain in the Connections panel), never in the graph file.`,
    required: true,
  };
}

export const CONNECT_TIMEOUT_FIELD: FieldSchema = {
  kind: 'number',
  label: 'Connect timeout (ms)',
  doc: 'At start, how long to keep trying before the run fails with the reason. Once connected, a lost server is retried without limit.',
  default: 10_000,
  min: 100,
  max: 600_000,
  integer: true,
};

export const SOURCE_FORMAT_FIELD: FieldSchema = {
  kind: 'enum',
  values: ['json', 'text'],
  label: 'Format',
  doc: 'How payloads become values: parsed as JSON (a payload that is not JSON goes to the error port or the dead letters), or kept as text.',
  default: 'json',
};

export const SOURCE_KEY_FIELD: FieldSchema = {
  kind: 'expression',
  vars: MESSAGE_VARS,
  label: 'Key',
  doc: 'The event key from the message, e.g. `value.orderId` or `subject`. Empty: no key.',
};

export const SOURCE_TIME_FIELD: FieldSchema = {
  kind: 'expression',
  vars: MESSAGE_VARS,
  label: 'Event time',
  doc: "The event time in ms from the message, e.g. `value.ts`. Empty: the broker's timestamp.",
};

export const SINK_ENVELOPE_FIELD: FieldSchema = {
  kind: 'boolean',
  label: 'Whole event',
  doc: 'Send { id, key, time, value } as JSON instead of the value alone.',
  default: false,
};

export const SINK_FORMAT_FIELD: FieldSchema = {
  kind: 'enum',
  values: ['json', 'text'],
  label: 'Format',
  doc: 'The payload: JSON of the value, or the value as text (strings as they are).',
  default: 'json',
};

/** How a message becomes an event: the fields every connector source's form ends with. */
export const SOURCE_EVENT_FIELDS = {
  format: SOURCE_FORMAT_FIELD,
  keyExpression: SOURCE_KEY_FIELD,
  timeExpression: SOURCE_TIME_FIELD,
} as const satisfies Record<string, FieldSchema>;

/** A broker source's form ends with these: the event fields and the connect timeout. */
export const BROKER_SOURCE_FIELDS = {
  ...SOURCE_EVENT_FIELDS,
  connectTimeoutMs: CONNECT_TIMEOUT_FIELD,
} as const satisfies Record<string, FieldSchema>;

/** How an event becomes a payload: the fields every connector sink's form ends with. */
export const SINK_PAYLOAD_FIELDS = {
  format: SINK_FORMAT_FIELD,
  envelope: SINK_ENVELOPE_FIELD,
} as const satisfies Record<string, FieldSchema>;

/** A broker sink's form ends with these: the payload fields and the connect timeout. */
export const BROKER_SINK_FIELDS = {
  ...SINK_PAYLOAD_FIELDS,
  connectTimeoutMs: CONNECT_TIMEOUT_FIELD,
} as const satisfies Record<string, FieldSchema>;

/**
 * What every connector source is besides its form: no input, events out and unreadable
 * messages to `error`, user expressions (key, time), one instance (it holds the connection
 * and the position).
 */
export const CONNECTOR_SOURCE_TRAITS = {
  ports: () => ({ inputs: [], outputs: ['out', 'error'] }),
  runsUserCode: true,
  changesKey: false,
  maxParallelism: 1,
} satisfies Partial<NodeDescriptor>;

/** What every connector sink is besides its form: one input, no output, sends in the background. */
export const CONNECTOR_SINK_TRAITS = {
  ports: () => ({ inputs: ['in'], outputs: [] }),
  runsUserCode: false,
  changesKey: false,
  blocking: true,
} satisfies Partial<NodeDescriptor>;

/** The fields of the table sinks (`sink.sqlite`, `sink.postgres`): the table, append or upsert, the row key. */
export const TABLE_SINK_FIELDS = {
  table: { kind: 'string', label: 'Table', doc: 'The table to write; created if missing.', required: true },
  mode: {
    kind: 'enum',
    values: ['append', 'upsert'],
    label: 'Mode',
    doc: 'Add every event as a row, or keep one row per key (the key is the primary key).',
    default: 'append',
  },
  keyExpression: {
    kind: 'expression',
    vars: EVENT_VARS,
    label: 'Row key',
    doc: 'The key column, e.g. `value.orderId`. Empty: the event key.',
  },
} as const satisfies Record<string, FieldSchema>;
