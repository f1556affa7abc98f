import type { FieldSchema, NodeDescriptor } from '../contract/descriptor.js';
import { isRecord } from './isRecord.js';
import { isUnset } from './isUnset.js';

/**
 * A new config with the descriptor's defaults filled in for every field that is unset (missing,
 * `null`, or a blank expression): what an operator gets as `ctx.config`. Unset fields without a
 * default are left out, so "not given" is always `undefined`. `list` items get their item
 * defaults too. Unknown keys are kept. The input is not changed.
 */
export function applyDefaults(
  config: Record<string, unknown> | undefined,
  descriptor: Pick<NodeDescriptor, 'config'>,
): Record<string, unknown> {
  return fill(config ?? {}, descriptor.config);
}

function fill(config: Record<string, unknown>, schema: Readonly<Record<string, FieldSchema>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(config)) {
    const field = schema[key];
    if (field && isUnset(config[key], field)) continue;
    out[key] = field?.kind === 'list' ? fillList(config[key], field.item) : config[key];
  }
  for (const [key, field] of Object.entries(schema)) {
    if (out[key] === undefined && field.default !== undefined) out[key] = copyDefault(field.default);
  }
  return out;
}

function fillList(value: unknown, item: Readonly<Record<string, FieldSchema>>): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((entry) => (isRecord(entry) ? fill(entry, item) : entry));
}

/** Defaults are shared descriptor data; an operator must not be able to change them through its config. */
function copyDefault(value: unknown): unknown {
  return Array.isArray(value) ? value.map(copyDefault) : value;
}
