import fs from 'node:fs';
import nodePath from 'node:path';
import { randomUUID } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { UserError } from '../contract/operator.js';
import type { CheckpointInfo, DeadLetter, EventEnvelope } from '../contract/EngineApi.js';
import type { OperatorId } from '../contract/ids.js';
import { checksum } from './checksum.js';
import { SCHEMA_VERSION, assertKnownVersion, migrate, readSchemaVersion } from './migrations.js';
import { StoreLock } from './StoreLock.js';
import { sqliteOptions } from './sqliteOptions.js';
import { CheckpointWriteError, CorruptStateError, describeSqliteCode, sqliteCodeOf } from './storeErrors.js';

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

/** One operator instance's state, as the runtime hands it to `writeCheckpoint`. */
export interface SnapshotInput {
  /** Stable across graph edits (contract `OperatorId`). */
  operatorId: OperatorId | string;
  /** Instance index when `parallelism` > 1; default 0. */
  instance?: number;
  nodeId: string;
  /** The node type (`aggregate`, `source.file`, …): a restore into another type is refused. */
  type: string;
  /** Hash of the node's config, so a changed config can be detected on restore. */
  configHash: string;
  /** `encodeState(operator.snapshot(id))`, encoded in the operator's worker. */
  state: Uint8Array;
}

/** A checkpoint whose barriers have passed every operator. */
export interface CheckpointWrite {
  /** From `nextCheckpointId()`; must be above every stored id. */
  id: number;
  /** Wall-clock ms when the coordinator injected the barriers. */
  startedAt: number;
  snapshots: readonly SnapshotInput[];
  /** Dead letters to store atomically with this checkpoint (so a replay does not repeat them). */
  deadLetters?: readonly NewDeadLetter[];
}

export interface CheckpointWritten {
  /** Sum of the snapshots' sizes. */
  bytes: number;
  /** From `startedAt` to the moment the transaction began to commit (as stored for the history). */
  durationMs: number;
  /** Time spent in SQLite alone, commit and fsync included. */
  writeMs: number;
}

/** One operator's stored state in the checkpoint to restore from. */
export interface RestoredOperator {
  operatorId: string;
  nodeId: string;
  type: string;
  configHash: string;
  /** Encoded state per instance: `states[i]` is instance i's (for `decodeState`). */
  states: Uint8Array[];
  bytes: number;
}

export interface RestoredCheckpoint {
  id: number;
  startedAt: number;
  completedAt: number;
  /** Keyed by operator id; every blob already verified against its checksum. */
  snapshots: Map<string, RestoredOperator>;
}

/** A failed event to keep (SPEC §4: an unconnected `error` port, or a poison event). */
export interface NewDeadLetter {
  nodeId: string;
  error: string;
  event: EventEnvelope;
  /** Wall-clock ms; default now. */
  time?: number;
  /** How many times the event was tried before it was given up on; default 1. */
  attempts?: number;
}

/** A stored dead letter (contract `DeadLetter` plus the attempt count). */
export interface StoredDeadLetter extends DeadLetter {
  attempts: number;
}

/** The last commit a transactional sink recorded. */
export interface SinkCommit {
  checkpointId: number;
  /** What the sink recorded (for `FileCommitter`: `{ length }`). */
  info: unknown;
  committedAt: number;
}

/**
 * Where transactional sinks record their commits: the small part of `StateStore` that
 * `FileCommitter` needs, so it can be given just that.
 */
export interface SinkCommitLog {
  lastSinkCommit(operatorId: string): SinkCommit | null;
  recordSinkCommit(operatorId: string, checkpointId: number, info: unknown): void;
}

/** Completed checkpoints whose snapshot blobs are kept; older ones keep only their sizes. */
export const RETAINED_CHECKPOINTS = 3;
/** Checkpoint rows kept for `sluice checkpoints` history. */
export const CHECKPOINT_HISTORY = 1000;

/** `PRAGMA application_id` of a Sluice state store ('SLCE'), to tell it from other SQLite files. */
const APPLICATION_ID = 0x534c4345;
const BUSY_TIMEOUT_MS = 5000;
const PAGE_SIZE = 65536;

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
    let db: Database | undefined;
    try {
      if (options.fresh) {
        for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(abs + suffix, { force: true });
      }
      db = connect(abs, false);
      // Snapshots are multi-MB blobs: with 64 KiB pages a 4.2 MB checkpoint commits in 16 ms
      // (median of 10, WAL, synchronous FULL) against 54 ms with the default 4 KiB pages, while
      // a one-row sink record costs 5.0 ms instead of 3.5 ms. Settable only before anything is
      // written, so first.
      if (Number(db.pragma('page_count', { simple: true })) === 0) db.pragma(`page_size = ${PAGE_SIZE}`);
      assertSluiceFile(db, abs);
      configure(db);
      migrate(db, abs);
      const storeId = ensureStoreId(db);
      return new StateStore(abs, db, storeId, false, lock);
    } catch (error) {
      db?.close();
      lock.release();
      throw translateOpenError(error, abs);
    }
  }

  private static openReadonly(abs: string): StateStore {
    if (!fs.existsSync(abs)) throw new UserError(`state store ${abs} does not exist`);
    let db: Database | undefined;
    try {
      db = connect(abs, true);
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      assertSluiceFile(db, abs);
      const version = readSchemaVersion(db);
      assertKnownVersion(version, abs);
      if (version < SCHEMA_VERSION) {
        throw new UserError(
          `state store ${abs} uses an older schema (version ${version}); run the graph once with this Sluice to upgrade it`,
        );
      }
      return new StateStore(abs, db, readStoreId(db), true, null);
    } catch (error) {
      db?.close();
      throw translateOpenError(error, abs);
    }
  }

  private static openAttached(abs: string): StateStore {
    if (!StoreLock.isHeldByThisProcess(abs)) {
      throw new UserError(
        `state store ${abs} is not open in this process; a worker can only attach to its own run's store`,
      );
    }
    let db: Database | undefined;
    try {
      db = connect(abs, false);
      configure(db);
      const version = readSchemaVersion(db);
      if (version !== SCHEMA_VERSION)
        throw new UserError(`state store ${abs} has schema version ${version}, expected ${SCHEMA_VERSION}`);
      return new StateStore(abs, db, readStoreId(db), false, null);
    } catch (error) {
      db?.close();
      throw translateOpenError(error, abs);
    }
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

  private latestCheckpointId(): number | null {
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
      row = this.connection
        .prepare(
          `SELECT id, started_at, completed_at FROM checkpoints WHERE completed_at IS NOT NULL ORDER BY id DESC LIMIT 1`,
        )
        .get() as typeof row;
      if (!row) return null;
      rows = this.connection
        .prepare(
          `SELECT operator_id, instance, node_id, type, config_hash, state, checksum, bytes
           FROM snapshots WHERE checkpoint_id = ? ORDER BY operator_id, instance`,
        )
        .all(row.id) as typeof rows;
    } catch (error) {
      throw this.translateReadError(error);
    }
    const snapshots = new Map<string, RestoredOperator>();
    for (const r of rows) {
      const where = `checkpoint ${row.id}, node ${r.node_id} (operator ${r.operator_id}, instance ${r.instance})`;
      if (r.state === null || r.checksum === null) {
        throw new CorruptStateError(
          `state store ${this.path} is corrupt: the snapshot of ${where} is missing; run with --fresh to start over`,
        );
      }
      if (r.state.byteLength !== r.bytes || checksum(r.state) !== r.checksum) {
        throw new CorruptStateError(
          `state store ${this.path} is corrupt: the snapshot of ${where} fails its checksum; run with --fresh to start over (this discards all state)`,
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

  /** Stored checkpoints, oldest first, with per-node state sizes (summed over instances). */
  listCheckpoints(): CheckpointInfo[] {
    try {
      const checkpoints = this.connection
        .prepare(`SELECT id, started_at, completed_at, duration_ms, bytes FROM checkpoints ORDER BY id`)
        .all() as Array<{
        id: number;
        started_at: number;
        completed_at: number | null;
        duration_ms: number | null;
        bytes: number;
      }>;
      const sizes = this.connection
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
      throw this.translateReadError(error);
    }
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

function connect(abs: string, readonly: boolean): Database {
  return new BetterSqlite3(abs, sqliteOptions(readonly ? { readonly: true, fileMustExist: true } : {}));
}

/** Durability settings of SPEC §6. */
function configure(db: Database): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (String(mode).toLowerCase() !== 'wal')
    throw new Error(`could not switch to WAL (journal_mode is ${String(mode)})`);
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
}

/**
 * Refuse a SQLite file another program owns, so `--state` pointing at the wrong file never
 * adds our tables to it. Also the first read, so "not a database" surfaces here.
 */
function assertSluiceFile(db: Database, abs: string): void {
  const appId = Number(db.pragma('application_id', { simple: true }));
  if (appId === APPLICATION_ID) return;
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>;
  if (
    appId !== 0 ||
    (tables.some((t) => t.name !== 'meta' && !t.name.startsWith('sqlite_')) && !tables.some((t) => t.name === 'meta'))
  ) {
    throw new UserError(
      `${abs} is a SQLite database of another program, not a Sluice state store; choose another --state`,
    );
  }
  if (!db.readonly) db.pragma(`application_id = ${APPLICATION_ID}`);
}

function ensureStoreId(db: Database): string {
  const existing = db.prepare(`SELECT value FROM meta WHERE key = 'store_id'`).get() as { value: string } | undefined;
  if (existing) return existing.value;
  const id = randomUUID();
  db.prepare(`INSERT INTO meta (key, value) VALUES ('store_id', ?)`).run(id);
  return id;
}

function readStoreId(db: Database): string {
  const row = db.prepare(`SELECT value FROM meta WHERE key = 'store_id'`).get() as { value: string } | undefined;
  return row?.value ?? '';
}

function translateOpenError(error: unknown, abs: string): unknown {
  if (error instanceof UserError) return error;
  const code = sqliteCodeOf(error);
  if (code === 'SQLITE_NOTADB') {
    return new CorruptStateError(
      `state store ${abs} is not a SQLite database (damaged or another kind of file); run with --fresh to replace it`,
    );
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new CorruptStateError(`state store ${abs} is corrupt (${code}); run with --fresh to start over`);
  }
  if (code !== 'UNKNOWN') return new UserError(`cannot open state store ${abs}: ${describeSqliteCode(code)} (${code})`);
  return error;
}
