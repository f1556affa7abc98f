import { GRAPH_FORMAT, type GraphFile } from '../contract/graphFile.js';
import { describeJsonType } from './describeJsonType.js';
import { isRecord } from './isRecord.js';
import { locateJsonError } from './locateJsonError.js';
import { migrateGraph } from './migrations.js';
import { toSafeJson, UnsafeJsonError } from './toSafeJson.js';

/**
 * The outcome of reading a graph file. `error` is one sentence fragment a person understands
 * ("not JSON: expected a value but found '}' at line 3, column 9"); the caller adds the file name.
 * `migratedFrom` is the file's original version when it was upgraded, else null.
 */
export type LoadResult = { ok: true; graph: GraphFile; migratedFrom: number | null } | { ok: false; error: string };

/**
 * Read a graph file's text: parse JSON, strip prototype-polluting keys, check the coarse shape,
 * and migrate older versions (SPEC §2). Never runs code from the file.
 *
 * Only problems that make the file unusable are load errors (not JSON, not a graph, too new,
 * `nodes`/`edges` not lists). Everything finer (ids, types, config, ports) loads as it is and is
 * reported by `validate`, so the editor can open a broken graph and show what to fix. So the
 * `GraphFile` type of a loaded graph is a promise `validate` keeps, not `loadGraph`: code that
 * relies on every node having a string id and an object config runs after a validation without
 * errors (the compiler does).
 */
export function loadGraph(text: string): LoadResult {
  // A byte order mark is what some Windows editors put first; it is not part of the JSON.
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (source.trim() === '') return { ok: false, error: 'not JSON: the file is empty' };
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (err) {
    const where = locateJsonError(source);
    const error = where
      ? `not JSON: ${where.reason} at line ${where.line}, column ${where.column}`
      : `not JSON: ${err instanceof Error ? err.message : String(err)}`;
    return { ok: false, error };
  }
  return parseGraph(value);
}

/**
 * `loadGraph` for data that is already parsed (a structured clone from another process, a test
 * fixture). The input is copied, never kept or changed.
 */
export function parseGraph(value: unknown): LoadResult {
  let data: unknown;
  try {
    data = toSafeJson(value);
  } catch (err) {
    if (err instanceof UnsafeJsonError) return { ok: false, error: `not a Sluice graph (${err.message})` };
    throw err;
  }
  if (!isRecord(data)) {
    return { ok: false, error: `not a Sluice graph (expected a JSON object, got ${describeJsonType(data)})` };
  }
  if (data.format === undefined) return { ok: false, error: 'not a Sluice graph (format is missing)' };
  if (data.format !== GRAPH_FORMAT) {
    return {
      ok: false,
      error: `not a Sluice graph (format is ${JSON.stringify(data.format)}, expected "${GRAPH_FORMAT}")`,
    };
  }
  const migrated = migrateGraph(data);
  if (!migrated.ok) return migrated;
  const graph = migrated.graph;
  const shapeError = coarseShapeError(graph);
  if (shapeError) return { ok: false, error: shapeError };
  return { ok: true, graph: graph as GraphFile, migratedFrom: migrated.migratedFrom };
}

/** The shape the rest of the program cannot do without: lists of objects, and an object of settings. */
function coarseShapeError(graph: Record<string, unknown>): string | null {
  for (const list of ['nodes', 'edges'] as const) {
    const items = graph[list];
    if (items === undefined) return `${list} is missing (it must be a list, possibly empty)`;
    if (!Array.isArray(items)) return `${list} must be a list, not ${describeJsonType(items)}`;
    const bad = items.findIndex((item) => !isRecord(item));
    if (bad >= 0) {
      const what = list === 'nodes' ? 'node' : 'edge';
      return `${what} #${bad + 1} in ${list} must be an object, not ${describeJsonType(items[bad])}`;
    }
  }
  if (graph.settings !== undefined && !isRecord(graph.settings)) {
    return `settings must be an object, not ${describeJsonType(graph.settings)}`;
  }
  return null;
}
