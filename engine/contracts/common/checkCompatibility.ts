import type { CompatibilityMode, EventSchema, JsonSchema } from '../../contract/eventSchema.js';
import { describeDifference } from './describeDifference.js';
import { isCompatibleChange, type Difference } from './Difference.js';
import { diffSchemas } from './diffSchemas.js';

/** One version failing its compatibility mode against one earlier version, for one reason. */
export interface CompatibilityBreak {
  /** The newer version, the one whose mode is broken (`orders@2`). */
  ref: string;
  /** Its file, for messages. */
  file: string;
  /** The earlier version it fails against (`orders@1`). */
  against: string;
  mode: CompatibilityMode;
  /**
   * `backward`: a consumer on the newer version cannot read events of the earlier one;
   * `forward`: a consumer on the earlier version cannot read events of the newer one.
   */
  direction: 'backward' | 'forward';
  difference: Difference;
  /** "field `amount` became required: a consumer on v2 cannot read v1 events". */
  message: string;
}

/**
 * The changes that stop a consumer on `reader` from reading events written with `writer`,
 * under Confluent's rules (STRICT policy). Empty: every `writer` event is readable.
 */
export function readBreaks(reader: JsonSchema, writer: JsonSchema): Difference[] {
  return diffSchemas(writer, reader).filter((d) => !isCompatibleChange(d));
}

/** True when a consumer on `reader` reads every event written with `writer`. */
export const canRead = (reader: JsonSchema, writer: JsonSchema): boolean => readBreaks(reader, writer).length === 0;

/**
 * Check every version of every contract against the earlier versions of the same name, each
 * under its own declared mode (as a schema registry checks a version when it is registered):
 * 1. group by name, order by version;
 * 2. for each version after the first, pick what its mode compares against: the previous
 *    version, or all earlier ones for `_TRANSITIVE` (newest first), or nothing for NONE;
 * 3. BACKWARD reads the earlier version's events with the new schema, FORWARD the reverse, FULL
 *    both; every breaking difference is one `CompatibilityBreak`.
 * Pure: the same answer in the editor, the CLI and CI.
 */
export function checkCompatibility(schemas: readonly EventSchema[]): CompatibilityBreak[] {
  const byName = new Map<string, EventSchema[]>();
  for (const s of schemas) {
    const list = byName.get(s.name) ?? [];
    list.push(s);
    byName.set(s.name, list);
  }
  const breaks: CompatibilityBreak[] = [];
  for (const versions of byName.values()) {
    versions.sort((a, b) => a.version - b.version);
    versions.forEach((schema, i) => breaks.push(...checkVersion(schema, versions.slice(0, i))));
  }
  return breaks;
}

/** One version against the earlier ones (`earlier` in ascending version order) under its mode. */
export function checkVersion(schema: EventSchema, earlier: readonly EventSchema[]): CompatibilityBreak[] {
  const mode = schema.compatibility;
  if (mode === 'NONE' || earlier.length === 0) return [];
  const against = mode.endsWith('_TRANSITIVE') ? [...earlier].reverse() : earlier.slice(-1);
  const backward = mode.startsWith('BACKWARD') || mode.startsWith('FULL');
  const forward = mode.startsWith('FORWARD') || mode.startsWith('FULL');
  const breaks: CompatibilityBreak[] = [];
  for (const old of against) {
    const at = (direction: 'backward' | 'forward', reader: EventSchema, writer: EventSchema): void => {
      for (const difference of readBreaks(reader.schema, writer.schema)) {
        breaks.push({
          ref: schema.ref,
          file: schema.file,
          against: old.ref,
          mode,
          direction,
          difference,
          message: `${describeDifference(difference)}: a consumer on v${reader.version} cannot read v${writer.version} events`,
        });
      }
    };
    if (backward) at('backward', schema, old);
    if (forward) at('forward', old, schema);
  }
  return breaks;
}
