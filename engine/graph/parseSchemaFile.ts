import {
  COMPATIBILITY_MODES,
  DEFAULT_COMPATIBILITY,
  JSON_SCHEMA_2020_12,
  type CompatibilityMode,
  type EventSchema,
  type JsonSchema,
  type SchemaProblem,
} from '../contract/eventSchema.js';
import { closestName } from './closestName.js';
import { describeJsonType } from './describeJsonType.js';
import { expressionError } from './expression.js';
import { isRecord } from './isRecord.js';
import { locateJsonError } from './locateJsonError.js';
import { FORBIDDEN_KEYS, toSafeJson, UnsafeJsonError } from './toSafeJson.js';
import { locateJsonPointer } from '../contracts/common/locateJsonPointer.js';
import { parseSchemaFileName, SCHEMA_FILE_SUFFIX } from '../contracts/common/schemaFileName.js';

/** Sluice's own settings inside a schema (SPEC §11). */
export const SLUICE_KEY = 'x-sluice';
const SLUICE_SETTINGS = ['compatibility', 'upcast'];

/** The variables an `upcast` expression sees, as every Sluice expression does (SPEC §3). */
export const UPCAST_VARS = ['value', 'key', 'time', 'event'] as const;

/** A schema file read, or the reasons it cannot be used; warnings may come with a schema. */
export interface ParsedSchemaFile {
  schema: EventSchema | null;
  problems: SchemaProblem[];
}

/**
 * Read one schema file's text: its name (`orders@2.schema.json`), JSON, the draft it declares,
 * and Sluice's settings under `x-sluice` (the compatibility mode, the `upcast` expression, which
 * is parsed but never run). Each problem names the file and, where it has one, the line.
 *
 * What this does not check is whether the rest is valid JSON Schema 2020-12: that takes the
 * meta-schema and a validator (ajv), which the Node-side loader applies
 * (`engine/contracts/node/loadSchemaFolder`). Isomorphic; never runs code from the file.
 */
export function parseSchemaFile(file: string, text: string): ParsedSchemaFile {
  const problems: SchemaProblem[] = [];
  const fail = (message: string, pointer?: string): ParsedSchemaFile => {
    problems.push({
      severity: 'error',
      file,
      ...(pointer !== undefined ? locateJsonPointer(text, pointer) : {}),
      message,
    });
    return { schema: null, problems };
  };
  const ref = parseSchemaFileName(file);
  if (!ref) {
    return fail(
      `a schema file is named <name>@<version>${SCHEMA_FILE_SUFFIX} (for example orders@1${SCHEMA_FILE_SUFFIX}), with a name of letters, digits, ".", "_" or "-" and a version from 1`,
    );
  }
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (source.trim() === '') return fail('the file is empty; it must hold a JSON Schema');
  let data: unknown;
  try {
    const parsed: unknown = JSON.parse(source);
    // toSafeJson would drop these keys silently, and a schema without them means something else.
    const forbidden = forbiddenKeyPointer(parsed, '');
    if (forbidden !== null) {
      return fail(
        `uses the key "${forbidden.slice(forbidden.lastIndexOf('/') + 1)}", which Sluice refuses everywhere (it reaches JavaScript's Object.prototype); rename the property`,
        forbidden,
      );
    }
    data = toSafeJson(parsed);
  } catch (err) {
    if (err instanceof UnsafeJsonError) return fail(`cannot be used as a schema (${err.message})`);
    const where = locateJsonError(source);
    problems.push({
      severity: 'error',
      file,
      ...(where ? { line: where.line, column: where.column } : {}),
      message: `not JSON: ${where ? where.reason : err instanceof Error ? err.message : String(err)}`,
    });
    return { schema: null, problems };
  }
  if (typeof data !== 'boolean' && !isRecord(data)) {
    return fail(`a JSON Schema is an object (or true/false), not ${describeJsonType(data)}`);
  }
  const schema = data as JsonSchema;
  const settings = typeof schema === 'object' ? schema[SLUICE_KEY] : undefined;
  if (typeof schema === 'object' && schema.$schema !== undefined) {
    const declared = schema.$schema;
    if (typeof declared !== 'string' || declared.replace(/#$/, '') !== JSON_SCHEMA_2020_12) {
      return fail(
        `declares "$schema": ${JSON.stringify(declared)}; contracts are JSON Schema 2020-12 ("${JSON_SCHEMA_2020_12}", or leave "$schema" out)`,
        '/$schema',
      );
    }
  }
  let compatibility: CompatibilityMode = DEFAULT_COMPATIBILITY;
  let upcast: string | undefined;
  if (settings !== undefined) {
    if (!isRecord(settings))
      return fail(`"${SLUICE_KEY}" must be an object, not ${describeJsonType(settings)}`, `/${SLUICE_KEY}`);
    for (const key of Object.keys(settings)) {
      if (SLUICE_SETTINGS.includes(key)) continue;
      const hint = closestName(key, SLUICE_SETTINGS);
      problems.push({
        severity: 'warning',
        file,
        ...locateJsonPointer(text, `/${SLUICE_KEY}/${key}`),
        message: `"${SLUICE_KEY}" has an unknown setting "${key}", which is ignored${hint ? ` (did you mean "${hint}"?)` : ''}`,
      });
    }
    const mode = settings.compatibility;
    if (mode !== undefined) {
      if (typeof mode !== 'string' || !(COMPATIBILITY_MODES as readonly string[]).includes(mode)) {
        const hint = typeof mode === 'string' ? closestName(mode.toUpperCase(), COMPATIBILITY_MODES) : null;
        return fail(
          `"compatibility" must be one of ${COMPATIBILITY_MODES.join(', ')}, not ${JSON.stringify(mode)}${hint ? ` (did you mean "${hint}"?)` : ''}`,
          `/${SLUICE_KEY}/compatibility`,
        );
      }
      compatibility = mode as CompatibilityMode;
    }
    if (settings.upcast !== undefined) {
      if (typeof settings.upcast !== 'string') {
        return fail(
          `"upcast" must be an expression in a string, not ${describeJsonType(settings.upcast)}`,
          `/${SLUICE_KEY}/upcast`,
        );
      }
      const error = expressionError(settings.upcast, UPCAST_VARS, 'expression');
      if (error) return fail(`the upcast expression does not parse: ${error}`, `/${SLUICE_KEY}/upcast`);
      upcast = settings.upcast;
    }
  }
  return {
    schema: {
      name: ref.name,
      version: ref.version,
      ref: `${ref.name}@${ref.version}`,
      file,
      schema,
      compatibility,
      ...(upcast !== undefined ? { upcast } : {}),
    },
    problems,
  };
}

/** The JSON pointer of the first `FORBIDDEN_KEYS` key in `value`, or null. */
function forbiddenKeyPointer(value: unknown, at: string, depth = 0): string | null {
  if (value === null || typeof value !== 'object' || depth > 500) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = forbiddenKeyPointer(value[i], `${at}/${i}`, depth + 1);
      if (found !== null) return found;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    const here = `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (FORBIDDEN_KEYS.has(key)) return here;
    const found = forbiddenKeyPointer((value as Record<string, unknown>)[key], here, depth + 1);
    if (found !== null) return found;
  }
  return null;
}
