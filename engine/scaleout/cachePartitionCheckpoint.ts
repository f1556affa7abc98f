import type { Database } from 'better-sqlite3';
import { StateStore } from '../store/StateStore.js';
import type { PartitionCheckpoint, PartitionOutbox } from './PartitionCheckpoints.js';

/**
 * Make a member's local SQLite store (its cache of a partition) start from the checkpoint
 * restored out of JetStream, so the run resumes from it as from any local checkpoint:
 * 1. the store is created empty (the broker's copy is the one that counts: what this member
 *    held before the partition moved may be older than what its successor wrote since);
 * 2. its store id becomes the partition's lineage (`lineage`, the same on every member), so a
 *    sink whose commit record names the store (sink.postgres's `_sluice_commits`) finds the
 *    record the previous owner left;
 * 3. the checkpoint is written as its latest;
 * 4. the sinks' unconfirmed records come back into its outbox under their seqs, and new seqs
 *    continue after the last one the previous owner assigned.
 */
export function cachePartitionCheckpoint(statePath: string, cp: PartitionCheckpoint | null, lineage?: string): void {
  const store = StateStore.open(statePath, { fresh: true });
  try {
    if (lineage) store.connection.prepare(`UPDATE meta SET value = ? WHERE key = 'store_id'`).run(lineage);
    if (cp) store.writeCheckpoint({ id: cp.checkpointId, startedAt: cp.startedAt, snapshots: cp.snapshots });
    if (cp) importOutbox(store.connection, cp.outbox);
  } finally {
    store.close();
  }
}

function importOutbox(db: Database, outbox: PartitionOutbox): void {
  const insert = db.prepare(
    `INSERT INTO outbox (seq, sink_id, checkpoint_id, id, key, time, payload, subject) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const r of outbox.rows) insert.run(r.seq, r.sinkId, r.checkpointId, r.id, r.key, r.time, r.payload, r.subject);
    if (outbox.lastSeq > 0) {
      db.prepare(`DELETE FROM sqlite_sequence WHERE name = 'outbox'`).run();
      db.prepare(`INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)`).run(outbox.lastSeq);
    }
  }).immediate();
}

/**
 * What a partition's local store still has to send for checkpoints up to `checkpointId` (staged
 * and unconfirmed), and the last seq it assigned: the part of a checkpoint its successor needs.
 */
export function readOutbox(db: Database, checkpointId: number): PartitionOutbox {
  const rows = db
    .prepare(
      `SELECT seq, sink_id AS sinkId, checkpoint_id AS checkpointId, id, key, time, payload, subject FROM outbox
       WHERE checkpoint_id IS NOT NULL AND checkpoint_id <= ? ORDER BY seq`,
    )
    .all(checkpointId) as PartitionOutbox['rows'];
  const last = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'outbox'`).get() as { seq: number } | undefined;
  return { rows, lastSeq: last?.seq ?? 0 };
}
