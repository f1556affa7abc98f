import type { FieldSchema } from '../contract/descriptor.js';

/** The names a connector source's expressions may use (SPEC §10). */
export const MESSAGE_VARS = ['value', 'subject', 'headers'] as const;

/** Fields every connector shares, documented once. */
export function urlField(example: string): FieldSchema {
  return {
    kind: 'string',
    label: 'URL',
    doc: `The server, e.g. \`${example}\`, or the name of one of the graph's \`connections\`. Credentials belong in \`\${env:NAME}\`, never in the graph file.`,
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
