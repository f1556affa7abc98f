import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkCompatibility } from '../contracts/common/checkCompatibility.js';
import { SCHEMA_FILE_SUFFIX, SCHEMAS_FOLDER } from '../contracts/common/schemaFileName.js';
import { loadSchemaFolder } from '../contracts/node/loadSchemaFolder.js';
import type { EventSchema } from '../contract/index.js';
import { formatSchemaProblem } from './formatSchemaProblem.js';

/**
 * `sluice schema check <graph|folder>` (SPEC §11): every schema version against the earlier
 * ones under its declared mode, offline, as CI runs it before a change ships. The target is a
 * graph file (its `schemas/` beside it), a schemas folder, or a folder holding `schemas/`.
 * Exit 0 compatible; 1 incompatible, each break one line naming the change; 2 unreadable (no
 * such path, no schemas, or a schema that is not valid JSON Schema 2020-12).
 */
export function schemaCheckCommand(target: string, out: (line: string) => void, err: (line: string) => void): number {
  const folder = schemasFolderOf(target);
  if (folder === null) {
    err(`${target}: no such file or folder`);
    return 2;
  }
  const loaded = loadSchemaFolder(folder);
  if (!loaded.found) {
    err(`${folder}: no such folder (a graph's schemas live in ${SCHEMAS_FOLDER}/ beside it)`);
    return 2;
  }
  for (const p of loaded.problems) (p.severity === 'error' ? err : out)(formatSchemaProblem(folder, p));
  const unreadable = loaded.problems.filter((p) => p.severity === 'error').length;
  if (loaded.schemas.length === 0 && unreadable === 0) {
    err(`${folder}: no *${SCHEMA_FILE_SUFFIX} files to check`);
    return 2;
  }
  const breaks = checkCompatibility(loaded.schemas);
  for (const b of breaks) {
    err(`${join(folder, b.file)}: ${b.ref} is not ${b.mode} compatible with ${b.against}: ${b.message}`);
  }
  if (unreadable > 0) {
    err(
      `${folder}: ${unreadable} schema problem${unreadable === 1 ? '' : 's'}; fix ${unreadable === 1 ? 'it' : 'them'} to check every version`,
    );
    return 2;
  }
  if (breaks.length > 0) {
    err(`${folder}: ${breaks.length} incompatible change${breaks.length === 1 ? '' : 's'}`);
    return 1;
  }
  out(`${folder}: compatible (${summary(loaded.schemas)})`);
  return 0;
}

/** The folder to check for a target, or null when the target does not exist. */
function schemasFolderOf(target: string): string | null {
  let stats;
  try {
    stats = statSync(target);
  } catch {
    return null;
  }
  if (!stats.isDirectory()) {
    // A graph file (or one schema file): the folder its schemas live in.
    return target.endsWith(SCHEMA_FILE_SUFFIX) ? dirname(target) : join(dirname(target), SCHEMAS_FOLDER);
  }
  const holdsSchemas = readdirSync(target).some((f) => f.endsWith(SCHEMA_FILE_SUFFIX));
  const inner = join(target, SCHEMAS_FOLDER);
  return !holdsSchemas && existsSync(inner) ? inner : target;
}

/** "orders@1–3 (BACKWARD), customers@1 (FULL)": each contract's versions and newest mode. */
function summary(schemas: readonly EventSchema[]): string {
  const byName = new Map<string, EventSchema[]>();
  for (const s of schemas) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  return [...byName]
    .map(([name, list]) => {
      const first = list[0] as EventSchema;
      const last = list[list.length - 1] as EventSchema;
      const versions = list.length === 1 ? `${first.version}` : `${first.version}–${last.version}`;
      return `${name}@${versions} (${last.compatibility})`;
    })
    .join(', ');
}
