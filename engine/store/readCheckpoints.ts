import type { Database } from 'better-sqlite3';
import type { CheckpointInfo } from '../contract/EngineApi.js';
import { checksum } from './checksum.js';
import { CorruptStateError } from './storeErrors.js';
import type { RestoredCheckpoint, RestoredOperator } from './stateRecords.js';

/**
 * The newest completed checkpoint of the state database `db` (at `path`, for messages) with
 * every snapshot verified, or null for a store with none (`StateStore.latestCheckpoint`).
 * `translate` turns SQLite's read errors into the store's.
 */
export function readLatestCheckpoint(
  db: Database,
  path: string,
  translate: (error: unknown) => unknown,
): RestoredCheckpoint | null {
  let row: { id: number; started_at: number; completed_at: number } | undefined;
  let rows: Array<{
    operator_id: string;
    instance: number;
    node_id: string;
    type: string;
    config_hash: string;
    state: Buffer | null;
    checksum: number | null;
    bytes: number;
  }>;
  try {
    row = db
      .prepare(
        `SELECT id, started_at, completed_at FROM checkpoints WHERE completed_at IS NOT NULL ORDER BY id DESC LIMIT 1`,
      )
      .get() as typeof row;
    if (!row) return null;
    rows = db
      .prepare(
        `SELECT operator_id, instance, node_id, type, config_hash, state, checksum, bytes
           FROM snapshots WHERE checkpoint_id = ? ORDER BY operator_id, instance`,
      )
      .all(row.id) as typeof rows;
  } catch (error) {
    throw translate(error);
  }
  const snapshots = new Map<string, RestoredOperator>();
  for (const r of rows) {
    const where = `checkpoint ${row.id}, node ${r.node_id} (operator ${r.operator_id}, instance ${r.instance})`;
    if (r.state === null || r.checksum === null) {
      throw new CorruptStateError(
        `state store ${path} is corrupt: the snapshot of ${where} is missing; run with --fresh to start over`,
      );
    }
    if (r.state.byteLength !== r.bytes || checksum(r.state) !== r.checksum) {
      throw new CorruptStateError(
        `state store ${path} is corrupt: the snapshot of ${where} fails its checksum; run with --fresh to start over (this discards all state)`,
      );
    }
    let op = snapshots.get(r.operator_id);
    if (!op) {
      op = {
        operatorId: r.operator_id,
        nodeId: r.node_id,
        type: r.type,
        configHash: r.config_hash,
        states: [],
        bytes: 0,
      };
      snapshots.set(r.operator_id, op);
    }
    op.states[r.instance] = r.state;
    op.bytes += r.bytes;
  }
  return { id: row.id, startedAt: row.started_at, completedAt: row.completed_at, snapshots };
}

/** Stored checkpoints, oldest first, with per-node state sizes (`StateStore.listCheckpoints`). */
export function readCheckpointList(db: Database, translate: (error: unknown) => unknown): CheckpointInfo[] {
  try {
    const checkpoints = db
      .prepare(`SELECT id, started_at, completed_at, duration_ms, bytes FROM checkpoints ORDER BY id`)
      .all() as Array<{
      id: number;
      started_at: number;
      completed_at: number | null;
      duration_ms: number | null;
      bytes: number;
    }>;
    const sizes = db
      .prepare(
        `SELECT checkpoint_id, node_id, SUM(bytes) AS bytes FROM snapshots GROUP BY checkpoint_id, node_id ORDER BY node_id`,
      )
      .all() as Array<{ checkpoint_id: number; node_id: string; bytes: number }>;
    const byCheckpoint = new Map<number, Record<string, number>>();
    for (const s of sizes) {
      let nodes = byCheckpoint.get(s.checkpoint_id);
      if (!nodes) byCheckpoint.set(s.checkpoint_id, (nodes = {}));
      nodes[s.node_id] = s.bytes;
    }
    return checkpoints.map((c) => ({
      id: c.id,
      startedAt: c.started_at,
      completedAt: c.completed_at,
      durationMs: c.duration_ms,
      bytes: c.bytes,
      nodes: byCheckpoint.get(c.id) ?? {},
    }));
  } catch (error) {
    throw translate(error);
  }
}
