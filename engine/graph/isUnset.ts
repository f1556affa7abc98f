import type { FieldSchema } from '../contract/descriptor.js';

/**
 * Whether a config value counts as not given. `null` means "not set" (JSON has no `undefined`),
 * and a blank expression or code field is what the inspector leaves when the user clears it, so
 * it means "use the default" rather than "compile nothing".
 */
export function isUnset(value: unknown, schema: FieldSchema): boolean {
  if (value === undefined || value === null) return true;
  return (schema.kind === 'expression' || schema.kind === 'code') && typeof value === 'string' && value.trim() === '';
}
