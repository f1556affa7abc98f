import { GRAPH_VERSION } from '../contract/graphFile.js';
import { isRecord } from './isRecord.js';

/**
 * Graph file migrations: one step per version, applied in order on load, so a file written by an
 * older Sluice opens in this one (SPEC §2). A file from a newer Sluice is refused, never guessed at.
 *
 * To change the format: bump `GRAPH_VERSION` in contract/graphFile.ts, append a step here from the
 * old version to the new one, and add a fixture of the old format to the migration tests.
 */
export interface GraphMigration {
  /** The version this step reads. */
  from: number;
  /** The version this step writes (always `from + 1`). */
  to: number;
  /** What changed, for the docs and the changelog. */
  description: string;
  /**
   * Rewrite a graph of version `from` (JSON data, already stripped of prototype keys) into a new
   * object of version `to`. Throws `MigrationError` with a sentence for a file it cannot convert.
   */
  migrate(graph: Record<string, unknown>): Record<string, unknown>;
}

/** A file that claims an old version but cannot be converted; `message` is a sentence part. */
export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/**
 * Version 0, the pre-release format, differed from version 1 in two ways:
 *
 * - Edges were `{ "id"?: string, "source": "gen.out", "target": "map.in", "capacity"?: n }`: a
 *   port reference was one string, split at its last dot into node id and port; without a dot it
 *   named a node's default port (`out` for a source end, `in` for a target end). Edge ids were
 *   optional; missing ones get `e1`, `e2`, … (skipping ids already taken).
 * - `settings.checkpointEveryMs` is now `settings.checkpointIntervalMs`.
 *
 * Every other key is carried over untouched.
 */
const v0ToV1: GraphMigration = {
  from: 0,
  to: 1,
  description: 'Edge ends become { node, port } objects; edge ids become required; checkpointEveryMs is renamed.',
  migrate(graph) {
    const out: Record<string, unknown> = { ...graph, version: 1 };
    if (isRecord(graph.settings) && 'checkpointEveryMs' in graph.settings) {
      const { checkpointEveryMs, ...rest } = graph.settings;
      out.settings = { checkpointIntervalMs: checkpointEveryMs, ...rest };
    }
    if (!Array.isArray(graph.edges)) return out;
    const taken = new Set(graph.edges.flatMap((e) => (isRecord(e) && typeof e.id === 'string' ? [e.id] : [])));
    let next = 1;
    const freshId = (): string => {
      while (taken.has(`e${next}`)) next++;
      taken.add(`e${next}`);
      return `e${next}`;
    };
    out.edges = graph.edges.map((edge, i) => {
      if (!isRecord(edge)) return edge;
      const { id, source, target, ...rest } = edge;
      return {
        id: typeof id === 'string' ? id : freshId(),
        from: v0PortRef(source, 'out', i, 'source'),
        to: v0PortRef(target, 'in', i, 'target'),
        ...rest,
      };
    });
    return out;
  },
};

function v0PortRef(ref: unknown, defaultPort: string, index: number, which: string): { node: string; port: string } {
  if (typeof ref !== 'string' || ref === '') {
    throw new MigrationError(`edge #${index + 1} (version 0) needs a "${which}" written as "node.port"`);
  }
  const dot = ref.lastIndexOf('.');
  if (dot < 0) return { node: ref, port: defaultPort };
  return { node: ref.slice(0, dot), port: ref.slice(dot + 1) };
}

/** Every step, oldest first. The steps chain: each `to` is the next `from`, the last reaches GRAPH_VERSION. */
export const GRAPH_MIGRATIONS: readonly GraphMigration[] = [v0ToV1];

/** The oldest version a migration path starts from. */
export const OLDEST_GRAPH_VERSION = GRAPH_MIGRATIONS[0]?.from ?? GRAPH_VERSION;

export type MigrationResult =
  { ok: true; graph: Record<string, unknown>; migratedFrom: number | null } | { ok: false; error: string };

/**
 * Bring a graph (JSON data with a `version`) to `GRAPH_VERSION`.
 *
 * 1. Refuse a version that is not a whole number, newer than this program, or older than any
 *    migration knows.
 * 2. Apply each step from the file's version up, in order.
 * 3. Report the version it started from, or null if the file was already current.
 */
export function migrateGraph(
  graph: Record<string, unknown>,
  migrations: readonly GraphMigration[] = GRAPH_MIGRATIONS,
  currentVersion: number = GRAPH_VERSION,
): MigrationResult {
  const version = graph.version;
  if (version === undefined) return { ok: false, error: 'not a Sluice graph (version is missing)' };
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    return { ok: false, error: `not a Sluice graph (version must be a whole number, not ${JSON.stringify(version)})` };
  }
  if (version > currentVersion) {
    return {
      ok: false,
      error: `made by a newer Sluice: version ${version}, this program reads up to ${currentVersion}`,
    };
  }
  if (version === currentVersion) return { ok: true, graph, migratedFrom: null };
  let current = graph;
  for (let v = version; v < currentVersion; v++) {
    const step = migrations.find((m) => m.from === v);
    if (!step) {
      return { ok: false, error: `version ${version} is not a graph version this program knows how to read` };
    }
    try {
      current = step.migrate(current);
    } catch (err) {
      if (err instanceof MigrationError) {
        return { ok: false, error: `cannot upgrade this version ${version} graph: ${err.message}` };
      }
      throw err;
    }
    current.version = step.to;
  }
  return { ok: true, graph: current, migratedFrom: version };
}
