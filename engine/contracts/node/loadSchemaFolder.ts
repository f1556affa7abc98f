import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { EventSchema, SchemaProblem } from '../../contract/eventSchema.js';
import { collectSchemas } from '../common/collectSchemas.js';
import { locateJsonPointer, type TextPosition } from '../common/locateJsonPointer.js';
import { SCHEMA_FILE_SUFFIX } from '../common/schemaFileName.js';
import { parseSchemaFile } from '../../graph/parseSchemaFile.js';
import { newAjv } from './newAjv.js';

/** The schemas of one folder, and every problem found reading them. */
export interface LoadedSchemas {
  folder: string;
  /** False when the folder does not exist (then there are no schemas and no problems). */
  found: boolean;
  /** The usable schemas, ordered by name and version; a file with an error is left out. */
  schemas: EventSchema[];
  problems: SchemaProblem[];
}

/** Larger than any hand-written schema; refused rather than read into memory. */
const MAX_SCHEMA_BYTES = 4 * 1024 * 1024;

/**
 * Read every `*.schema.json` in `folder` (SPEC §11: a graph's `schemas/`):
 * 1. parse each file (name, JSON, `$schema`, `x-sluice`; `parseSchemaFile`);
 * 2. validate it against the JSON Schema 2020-12 meta-schema, each error with its line;
 * 3. compile it once with ajv, which finds what the meta-schema cannot (a `$ref` to nowhere,
 *    an unknown format, a pattern that is not a regular expression) and warns of unknown
 *    keywords;
 * 4. check the set (`collectSchemas`: duplicates, gaps, an upcast on a first version).
 * Never throws for what is in the folder: every problem is a `SchemaProblem`.
 */
export function loadSchemaFolder(folder: string): LoadedSchemas {
  let names: string[];
  try {
    if (!statSync(folder).isDirectory()) {
      return {
        folder,
        found: true,
        schemas: [],
        problems: [{ severity: 'error', file: '.', message: `${folder} is not a folder` }],
      };
    }
    names = readdirSync(folder).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { folder, found: false, schemas: [], problems: [] };
    return {
      folder,
      found: true,
      schemas: [],
      problems: [{ severity: 'error', file: '.', message: `cannot read ${folder} (${errorCode(err)})` }],
    };
  }
  const problems: SchemaProblem[] = [];
  const parsed: EventSchema[] = [];
  for (const name of names) {
    if (!name.endsWith(SCHEMA_FILE_SUFFIX)) {
      if (name.endsWith('.json')) {
        problems.push({
          severity: 'warning',
          file: name,
          message: `ignored: schema files end with ${SCHEMA_FILE_SUFFIX}`,
        });
      }
      continue;
    }
    const path = join(folder, name);
    let text: string;
    try {
      if (statSync(path).size > MAX_SCHEMA_BYTES) {
        problems.push({ severity: 'error', file: name, message: `is larger than ${MAX_SCHEMA_BYTES >> 20} MB` });
        continue;
      }
      text = readFileSync(path, 'utf8');
    } catch (err) {
      problems.push({ severity: 'error', file: name, message: `cannot be read (${errorCode(err)})` });
      continue;
    }
    const loaded = checkSchemaText(name, text);
    problems.push(...loaded.problems);
    if (loaded.schema) parsed.push(loaded.schema);
  }
  const set = collectSchemas(parsed);
  return { folder, found: true, schemas: set.schemas, problems: [...problems, ...set.problems] };
}

/**
 * One schema file's text through steps 1–3 of `loadSchemaFolder`; `file` is its name in the
 * folder. The editor's engine side calls this for a file the user is editing.
 */
export function checkSchemaText(file: string, text: string): { schema: EventSchema | null; problems: SchemaProblem[] } {
  const parsed = parseSchemaFile(file, text);
  if (!parsed.schema) return parsed;
  const problems = [...parsed.problems];
  const at = (pointer: string): TextPosition => locateJsonPointer(text, pointer);

  const meta = newAjv({ allErrors: true });
  if (!meta.validateSchema(parsed.schema.schema)) {
    for (const e of mostSpecific(meta.errors ?? [])) {
      problems.push({ severity: 'error', file, ...at(e.instancePath), message: metaMessage(e, parsed.schema.schema) });
    }
    return { schema: null, problems };
  }
  const warnings: string[] = [];
  try {
    newAjv({ warn: (w) => warnings.push(w) }).compile(parsed.schema.schema);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    problems.push({ severity: 'error', file, ...placeOf(text, message), message: `cannot be compiled: ${message}` });
    return { schema: null, problems };
  }
  for (const w of warnings) {
    problems.push({ severity: 'warning', file, ...placeOf(text, w), message: w.replace(/^strict mode: /, '') });
  }
  return { schema: parsed.schema, problems };
}

/**
 * The meta-schema reports a wrong value several times over (the enum of types, then "must be
 * array", then "must match a schema in anyOf"); keep the errors of the deepest paths, one per
 * path, preferring the one that lists what is allowed. At most five.
 */
function mostSpecific(errors: readonly ErrorObject[]): ErrorObject[] {
  const byPath = new Map<string, ErrorObject>();
  for (const e of errors) {
    const known = byPath.get(e.instancePath);
    if (!known || (e.keyword === 'enum' && known.keyword !== 'enum')) byPath.set(e.instancePath, e);
  }
  const paths = [...byPath.keys()];
  const leaves = paths.filter((p) => !paths.some((q) => q !== p && q.startsWith(`${p}/`)));
  return leaves.slice(0, 5).map((p) => byPath.get(p) as ErrorObject);
}

function metaMessage(e: ErrorObject, schema: unknown): string {
  const where =
    e.instancePath === ''
      ? 'the schema'
      : `"${e.instancePath.slice(e.instancePath.lastIndexOf('/') + 1)}" at ${e.instancePath}`;
  const actual = valueAt(schema, e.instancePath);
  const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues;
  const rule = allowed
    ? `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`
    : (e.message ?? 'is not allowed');
  return `not valid JSON Schema 2020-12: ${where} ${rule}, not ${JSON.stringify(actual) ?? 'that'}`;
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * A place for an ajv compile message: the schema path it names (`at path "#/properties/a"`),
 * else the first occurrence of the reference or keyword it quotes.
 */
function placeOf(text: string, message: string): TextPosition | Record<string, never> {
  const path = /at path "#([^"]*)"/.exec(message);
  if (path) return locateJsonPointer(text, path[1] as string);
  const quoted = /reference ([^\s]+)|keyword: "([^"]+)"|unknown format "([^"]+)"/.exec(message);
  const needle = quoted?.[1] ?? quoted?.[2] ?? quoted?.[3];
  if (!needle) return {};
  const offset = text.indexOf(`"${needle}"`);
  return offset < 0 ? {} : locateOffset(text, offset);
}

function locateOffset(text: string, offset: number): TextPosition {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1] ?? '').length + 1 };
}

function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
}
