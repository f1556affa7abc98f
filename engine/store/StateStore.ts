import fs from 'node:fs';
import nodePath from 'node:path';
import type { Database } from 'better-sqlite3';
import { UserError } from '../contract/operator.js';
import type { CheckpointInfo, EventEnvelope } from '../contract/EngineApi.js';
import { checksum } from './checksum.js';
import { readCheckpointList, readLatestCheckpoint } from './readCheckpoints.js';
import { openStateDatabase, openStateDatabaseAttached, openStateDatabaseReadonly } from './openStateDatabase.js';
import { StoreLock } from './StoreLock.js';
import { CheckpointWriteError, CorruptStateError, describeSqliteCode, sqliteCodeOf } from './storeErrors.js';
import type {
  CheckpointWrite,
  CheckpointWritten,
  NewDeadLetter,
  RestoredCheckpoint,
  SinkCommit,
  SinkCommitLog,
  StoredDeadLetter,
} from './stateRecords.js';

export type {
  CheckpointWrite,
  CheckpointWritten,
  NewDeadLetter,
  RestoredCheckpoint,
  RestoredOperator,
  SinkCommit,
  SinkCommitLog,
  SnapshotInput,
  StoredDeadLetter,
} from './stateRecords.js';

/** How to open a state store. */
export interface StateStoreOptions {
  /**
   * Discard what the store holds and start empty: the database file (and its WAL) is deleted
   * and recreated, which also clears `sink.sqlite` tables kept in the state database. Works on
   * a corrupt or unreadable file, which is how a user recovers from `CorruptStateError`.
   */
  fresh?: boolean;
  /** Inspection (CLI, UI): no lock, no migration, no writes; the file must exist. */
  readonly?: boolean;
  /**
   * A second connection for a worker thread of the run that holds the lock in this process
   * (sinks commit from their worker). Takes no lock and runs no migration; refused unless
   * this process holds the lock and the schema is current.
   */
  attach?: boolean;
}

/** Completed checkpoints whose snapshot blobs are kept; older ones keep only their sizes. */
export const RETAINED_CHECKPOINTS = 3;
/** Checkpoint rows kept for `sluice checkpoints` history. */
export const CHECKPOINT_HISTORY = 1000;

/**
 * The durable state of one graph's runs (SPEC §6): completed checkpoints with every operator's
 * snapshot, sink commits, dead letters. One SQLite database in WAL mode with
 * `synchronous=FULL`, so a completed checkpoint survives power loss.
 *
 * Threads: better-sqlite3 connections are synchronous and per thread. The coordinator opens
 * the store (taking the lock) and writes checkpoints; a worker whose sink commits opens it with
 * `{ attach: true }`. WAL lets readers (the CLI) work alongside a running run.
 */
export class StateStore implements SinkCommitLog {
  private constructor(
    /** The database file. */
    readonly path: string,
    /** The better-sqlite3 connection; for committers that write in the same transaction. */
    readonly connection: Database,
    /**
     * Random id of this store's lineage, new whenever the store is created (or `fresh`).
     * External sink databases record it beside their checkpoint ids, because ids restart at 1
     * in a fresh store.
     */
    readonly storeId: string,
    readonly readonly: boolean,
    private readonly lock: StoreLock | null,
    /**
     * True when this store was created by `--fresh`: the user chose to discard what earlier
     * stores committed, so sinks may start over output that another store's runs wrote.
     */
    readonly createdFresh = false,
  ) {}

  /**
   * Open (creating if missing, with its folder) the state store at `path`.
   *
   * Throws `UserError` when another run holds it, when it was written by a newer Sluice, when
   * the file is not a Sluice store, or (readonly) when it does not exist; `CorruptStateError`
   * when SQLite finds it damaged.
   */
  static open(path: string, options: StateStoreOptions = {}): StateStore {
    const abs = nodePath.resolve(path);
    if (options.readonly) return StateStore.openReadonly(abs);
    if (options.attach) return StateStore.openAttached(abs);
    fs.mkdirSync(nodePath.dirname(abs), { recursive: true });
    const lock = StoreLock.acquire(abs);
    try {
      const { db, storeId, createdFresh } = openStateDatabase(abs, options.fresh ?? false);
      return new StateStore(abs, db, storeId, false, lock, createdFresh);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  private static openReadonly(abs: string): StateStore {
    const { db, storeId } = openStateDatabaseReadonly(abs);
    return new StateStore(abs, db, storeId, true, null);
  }

  private static openAttached(abs: string): StateStore {
    if (!StoreLock.isHeldByThisProcess(abs)) {
      throw new UserError(
        `state store ${abs} is not open in this process; a worker can only attach to its own run's store`,
      );
    }
    const { db, storeId, createdFresh } = openStateDatabaseAttached(abs);
    return new StateStore(abs, db, storeId, false, null, createdFresh);
  }

  /** The id the next checkpoint should use: one above every stored id (1 for a new store). */
  nextCheckpointId(): number {
    const row = this.connection.prepare(`SELECT MAX(id) AS id FROM checkpoints`).get() as { id: number | null };
    return (row.id ?? 0) + 1;
  }

  /**
   * Make a checkpoint durable: its row (completed), every snapshot and its dead letters in ONE
   * transaction, then prune blobs older than `RETAINED_CHECKPOINTS`. On any failure the
   * transaction rolls back, the previous checkpoint stays the latest, and a
   * `CheckpointWriteError` says why (disk full, I/O error) in one line.
   */
  writeCheckpoint(checkpoint: CheckpointWrite): CheckpointWritten {
    this.assertWritable();
    const { id, startedAt, snapshots } = checkpoint;
    if (!Number.isSafeInteger(id) || id < 1) throw new Error(`checkpoint id must be a positive integer, got ${id}`);
    const writeStart = performance.now();
    let bytes = 0;
    for (const s of snapshots) bytes += s.state.byteLength;
    let completedAt = 0;
    try {
      // IMMEDIATE: sinks in worker threads write to this database too; see SqliteTableCommitter.
      this.connection
        .transaction(() => {
          const newest = this.connection.prepare(`SELECT MAX(id) AS id FROM checkpoints`).get() as {
            id: number | null;
          };
          if (newest.id !== null && id <= newest.id) {
            throw new Error(`checkpoint ${id} is not newer than the stored checkpoint ${newest.id}`);
          }
          const insertSnapshot = this.connection.prepare(
            `INSERT INTO snapshots (checkpoint_id, operator_id, instance, node_id, type, config_hash, state, checksum, bytes)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          );
          // Row first (snapshots reference it); completed_at is set in this same transaction, so
          // no reader ever sees a half-written checkpoint.
          this.connection
            .prepare(
              `INSERT INTO checkpoints (id, started_at, completed_at, duration_ms, bytes) VALUES (?, ?, NULL, NULL, ?)`,
            )
            .run(id, startedAt, bytes);
          for (const s of snapshots) {
            insertSnapshot.run(
              id,
              s.operatorId,
              s.instance ?? 0,
              s.nodeId,
              s.type,
              s.configHash,
              s.state,
              checksum(s.state),
              s.state.byteLength,
            );
          }
          if (checkpoint.deadLetters?.length) this.insertDeadLetters(checkpoint.deadLetters);
          this.prune(id);
          completedAt = Date.now();
          this.connection
            .prepare(`UPDATE checkpoints SET completed_at = ?, duration_ms = ? WHERE id = ?`)
            .run(completedAt, completedAt - startedAt, id);
        })
        .immediate();
    } catch (error) {
      const code = sqliteCodeOf(error);
      if (code === 'UNKNOWN') throw error;
      const previous = this.latestCheckpointId();
      throw new CheckpointWriteError(
        `checkpoint ${id} could not be written to state store ${this.path}: ${describeSqliteCode(code)} (${code}); ` +
          (previous === null ? 'no earlier checkpoint exists' : `checkpoint ${previous} is still the latest`),
        code,
        code === 'SQLITE_FULL' || code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'),
      );
    }
    return { bytes, durationMs: completedAt - startedAt, writeMs: performance.now() - writeStart };
  }

  /** Keep blobs of the newest `RETAINED_CHECKPOINTS`, rows of the newest `CHECKPOINT_HISTORY`. */
  private prune(newestId: number): void {
    const keepFrom = this.connection
      .prepare(`SELECT id FROM checkpoints WHERE id <= ? ORDER BY id DESC LIMIT 1 OFFSET ?`)
      .get(newestId, RETAINED_CHECKPOINTS - 1) as { id: number } | undefined;
    if (keepFrom) {
      this.connection
        .prepare(`UPDATE snapshots SET state = NULL, checksum = NULL WHERE checkpoint_id < ? AND state IS NOT NULL`)
        .run(keepFrom.id);
    }
    const historyFrom = this.connection
      .prepare(`SELECT id FROM checkpoints ORDER BY id DESC LIMIT 1 OFFSET ?`)
      .get(CHECKPOINT_HISTORY - 1) as { id: number } | undefined;
    if (historyFrom) {
      this.connection.prepare(`DELETE FROM snapshots WHERE checkpoint_id < ?`).run(historyFrom.id);
      this.connection.prepare(`DELETE FROM checkpoints WHERE id < ?`).run(historyFrom.id);
    }
  }

  /** The newest completed checkpoint's id, or null; cheap (no snapshot is read). */
  latestCheckpointId(): number | null {
    try {
      const row = this.connection
        .prepare(`SELECT MAX(id) AS id FROM checkpoints WHERE completed_at IS NOT NULL`)
        .get() as { id: number | null };
      return row.id;
    } catch {
      return null;
    }
  }

  /**
   * The newest completed checkpoint with every snapshot verified, or null for a store with
   * none. Throws `CorruptStateError` naming the checkpoint and node when a blob is missing or
   * its checksum does not match: a damaged store is never treated as an empty one.
   */
  latestCheckpoint(): RestoredCheckpoint | null {
    return readLatestCheckpoint(this.connection, this.path, (error) => this.translateReadError(error));
  }

  /** Stored checkpoints, oldest first, with per-node state sizes (summed over instances). */
  listCheckpoints(): CheckpointInfo[] {
    return readCheckpointList(this.connection, (error) => this.translateReadError(error));
  }

  /**
   * Store dead letters now, in their own transaction. For a poison event found after worker
   * restarts (it must survive the next crash). Dead letters produced while processing belong
   * in `writeCheckpoint({ deadLetters })`, so a replay from the previous checkpoint does not
   * store them twice.
   */
  addDeadLetters(rows: readonly NewDeadLetter[]): void {
    this.assertWritable();
    if (rows.length === 0) return;
    this.connection.transaction(() => this.insertDeadLetters(rows))();
  }

  private insertDeadLetters(rows: readonly NewDeadLetter[]): void {
    const insert = this.connection.prepare(
      `INSERT INTO dead_letters (node_id, error, event, time, attempts) VALUES (?, ?, ?, ?, ?)`,
    );
    const now = Date.now();
    for (const r of rows) {
      insert.run(r.nodeId, r.error, JSON.stringify(r.event), r.time ?? now, r.attempts ?? 1);
    }
  }

  /** Dead letters, oldest first (`limit`: the newest `limit` of them, still oldest first). */
  listDeadLetters(options: { limit?: number } = {}): StoredDeadLetter[] {
    try {
      const rows = (
        options.limit === undefined
          ? this.connection.prepare(`SELECT * FROM dead_letters ORDER BY id`).all()
          : this.connection
              .prepare(`SELECT * FROM (SELECT * FROM dead_letters ORDER BY id DESC LIMIT ?) ORDER BY id`)
              .all(options.limit)
      ) as Array<{ id: number; node_id: string; error: string; event: string; time: number; attempts: number }>;
      return rows.map((r) => ({
        id: r.id,
        nodeId: r.node_id,
        error: r.error,
        event: JSON.parse(r.event) as EventEnvelope,
        time: r.time,
        attempts: r.attempts,
      }));
    } catch (error) {
      throw this.translateReadError(error);
    }
  }

  /** Delete dead letters (they were replayed into their node). */
  removeDeadLetters(ids: readonly number[]): void {
    this.assertWritable();
    const del = this.connection.prepare(`DELETE FROM dead_letters WHERE id = ?`);
    this.connection.transaction(() => {
      for (const id of ids) del.run(id);
    })();
  }

  /**
   * Record that sink `operatorId` made checkpoint `checkpointId`'s output durable. Keeps only
   * the last commit per sink. Nested in a caller's transaction when there is one (the state-DB
   * table sink), so rows and record land together.
   */
  recordSinkCommit(operatorId: string, checkpointId: number, info: unknown): void {
    this.assertWritable();
    try {
      this.connection
        .prepare(
          `INSERT INTO sink_commits (operator_id, checkpoint_id, info, committed_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (operator_id) DO UPDATE SET checkpoint_id = excluded.checkpoint_id, info = excluded.info,
             committed_at = excluded.committed_at`,
        )
        .run(operatorId, checkpointId, JSON.stringify(info ?? null), Date.now());
    } catch (error) {
      // A full disk or I/O error here is the user's environment, not a bug: one line, no stack.
      const code = sqliteCodeOf(error);
      if (code === 'UNKNOWN') throw error;
      throw new CheckpointWriteError(
        `state store ${this.path}: could not record the commit of checkpoint ${checkpointId}: ${describeSqliteCode(code)} (${code})`,
        code,
        code === 'SQLITE_FULL' || code.startsWith('SQLITE_BUSY'),
      );
    }
  }

  /** The last commit recorded by `recordSinkCommit`, or null if the sink never committed. */
  lastSinkCommit(operatorId: string): SinkCommit | null {
    const row = this.connection
      .prepare(`SELECT checkpoint_id, info, committed_at FROM sink_commits WHERE operator_id = ?`)
      .get(operatorId) as { checkpoint_id: number; info: string; committed_at: number } | undefined;
    return row
      ? { checkpointId: row.checkpoint_id, info: JSON.parse(row.info) as unknown, committedAt: row.committed_at }
      : null;
  }

  /** `PRAGMA integrity_check`: an empty list when the database is sound, else SQLite's findings. */
  integrityCheck(): string[] {
    const rows = this.connection.pragma('integrity_check') as Array<{ integrity_check: string }>;
    const messages = rows.map((r) => r.integrity_check);
    return messages.length === 1 && messages[0] === 'ok' ? [] : messages;
  }

  /** Close the connection and release the lock (if this connection holds it). Safe to call twice. */
  close(): void {
    if (this.connection.open) this.connection.close();
    this.lock?.release();
  }

  private assertWritable(): void {
    if (this.readonly) throw new Error(`state store ${this.path} was opened read-only`);
  }

  private translateReadError(error: unknown): unknown {
    const code = sqliteCodeOf(error);
    if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
      return new CorruptStateError(`state store ${this.path} is corrupt (${code}); run with --fresh to start over`);
    }
    return error;
  }
}
