import fs from 'node:fs';
import nodePath from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database, Statement } from 'better-sqlite3';
import { UserError, type SqliteRow, type TransactionalTable } from '../contract/operator.js';
import type { StateStore } from './StateStore.js';
import { sqliteOptions } from './sqliteOptions.js';
import { describeSqliteCode, sqliteCodeOf } from './storeErrors.js';

export interface SqliteTableCommitterOptions {
  /** The run's state store: holds the commit record when the table lives in it. */
  store: StateStore;
  /** The sink's stable operator id. */
  operatorId: string;
  /** Absolute path of another SQLite database; undefined: the state database itself. */
  path?: string;
  /** Table name: letters, digits and `_`, not starting with a digit. */
  table: string;
  /** `upsert`: one row per key, replaced; `append`: every row kept. */
  mode: 'append' | 'upsert';
  /**
   * The checkpoint the run restored (0: a fresh start): rows later checkpoints staged never
   * completed and are dropped, and commit records that show the store lost checkpoints are
   * refused (a `UserError`, which the runtime does not retry). Undefined keeps the rows and trusts
   * the records (tests, tools).
   */
  discardStagedAfter?: number;
}

/** Names of the state store's own tables, refused as sink tables in the state database. */
const STATE_TABLES = new Set(['meta', 'checkpoints', 'snapshots', 'sink_commits', 'dead_letters', 'outbox']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Rows per multi-row INSERT when staging (6 parameters each, well under SQLite's limit). */
const STAGE_CHUNK = 100;

/**
 * `sink.sqlite`'s exactly-once writer: a checkpoint's rows and the record that the checkpoint
 * was committed land in ONE SQLite transaction, so after any crash either both exist (a
 * recommit is skipped) or neither does (the recommit writes the rows once). Unlike a file there
 * is never a torn tail to roll back.
 *
 * Where the record lives:
 *   - table in the state database (`path` undefined): the store's `sink_commits`, on the
 *     store's own connection;
 *   - another database: its `_sluice_commits (sink_id, store_id, checkpoint_id)`. The store id
 *     tells runs of different state stores apart, because checkpoint ids restart at 1 after
 *     `--fresh`; rows written by an earlier store are left as they are (upsert overwrites
 *     them by key, append adds to them).
 *
 * Table: `(key TEXT, time REAL, value TEXT)` with `value` holding JSON; `upsert` makes `key`
 * the primary key. An existing table must have those columns.
 */
export class SqliteTableCommitter implements TransactionalTable {
  private readonly db: Database;
  private readonly ownsConnection: boolean;
  private readonly sinkId: string;
  private readonly storeId: string;
  private readonly pendRow: Statement;
  private readonly pendChunk: Statement;
  private readonly markStmt: Statement;
  private readonly markUpTo: Statement;
  private readonly dropMarks: Statement;
  private readonly dropPending: Statement;
  private readonly dropUnmarked: Statement;
  private readonly markOf: Statement;
  private readonly dropRange: Statement;
  private readonly moveStaged: Statement;
  /** The id of the last pending row written, and whether rows came since the last mark. */
  private lastPending = 0;
  private unmarked = false;
  /** The last seal's fsync of the write-ahead log (see `seal`), settled in order. */
  private sealing: Promise<void> = Promise.resolve();
  private readonly where: string;
  private readonly lastCommitted: () => number;
  private readonly record: (checkpointId: number, rows: number) => void;

  constructor(private readonly options: SqliteTableCommitterOptions) {
    const { store, operatorId, path, table, mode } = options;
    this.where = `table ${table} in ${path ?? store.path}`;
    if (
      !IDENTIFIER.test(table) ||
      table.toLowerCase().startsWith('sqlite_') ||
      table.toLowerCase().startsWith('_sluice')
    ) {
      throw new UserError(
        `sink table name "${table}" is not allowed: use letters, digits and _, not starting with a digit, sqlite_ or _sluice`,
      );
    }
    if (path === undefined && STATE_TABLES.has(table.toLowerCase())) {
      throw new UserError(`sink table name "${table}" is taken by the state store itself; choose another table name`);
    }
    if (path === undefined) {
      this.db = store.connection;
      this.ownsConnection = false;
      this.lastCommitted = () => store.lastSinkCommit(operatorId)?.checkpointId ?? 0;
      this.record = (checkpointId, rows) => store.recordSinkCommit(operatorId, checkpointId, { table, rows });
    } else {
      this.db = openTarget(path);
      this.ownsConnection = true;
      const read = this.db.prepare(`SELECT checkpoint_id FROM _sluice_commits WHERE sink_id = ? AND store_id = ?`);
      const write = this.db.prepare(
        `INSERT INTO _sluice_commits (sink_id, store_id, checkpoint_id, committed_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (sink_id, store_id) DO UPDATE SET checkpoint_id = excluded.checkpoint_id, committed_at = excluded.committed_at`,
      );
      this.lastCommitted = () =>
        (read.get(operatorId, store.storeId) as { checkpoint_id: number } | undefined)?.checkpoint_id ?? 0;
      this.record = (checkpointId) => write.run(operatorId, store.storeId, checkpointId, Date.now());
    }
    try {
      // Before anything is changed: a store that lost what it committed must not commit again.
      if (options.discardStagedAfter !== undefined) this.assertStoreKnowsCommits(options.discardStagedAfter);
      ensureTable(this.db, table, mode, this.where);
    } catch (error) {
      if (this.ownsConnection) this.db.close();
      throw error;
    }
    this.sinkId = operatorId;
    this.storeId = store.storeId;
    // Pending rows in arrival order (AUTOINCREMENT: ids only grow, also after deletes), and
    // one mark per staged checkpoint: the last pending id it owns. No other index: rows are
    // appended, moved in id order and deleted.
    this.db.exec(`CREATE TABLE IF NOT EXISTS _sluice_pending (
      id INTEGER PRIMARY KEY AUTOINCREMENT, sink_id TEXT NOT NULL, store_id TEXT NOT NULL,
      key TEXT, time REAL NOT NULL, value TEXT NOT NULL
    )`);
    this.db.exec(`CREATE TABLE IF NOT EXISTS _sluice_pending_marks (
      sink_id TEXT NOT NULL, store_id TEXT NOT NULL, checkpoint_id INTEGER NOT NULL, last_id INTEGER NOT NULL,
      PRIMARY KEY (sink_id, store_id, checkpoint_id)
    )`);
    this.pendRow = this.db.prepare(
      `INSERT INTO _sluice_pending (sink_id, store_id, key, time, value) VALUES (?, ?, ?, ?, ?)`,
    );
    this.pendChunk = this.db.prepare(
      `INSERT INTO _sluice_pending (sink_id, store_id, key, time, value) VALUES ${new Array(STAGE_CHUNK).fill('(?, ?, ?, ?, ?)').join(', ')}`,
    );
    this.markStmt = this.db.prepare(
      `INSERT OR REPLACE INTO _sluice_pending_marks (sink_id, store_id, checkpoint_id, last_id) VALUES (?, ?, ?, ?)`,
    );
    this.markUpTo = this.db.prepare(
      `SELECT MAX(last_id) AS last FROM _sluice_pending_marks WHERE sink_id = ? AND store_id = ? AND checkpoint_id <= ?`,
    );
    this.dropMarks = this.db.prepare(
      `DELETE FROM _sluice_pending_marks WHERE sink_id = ? AND store_id = ? AND checkpoint_id <= ?`,
    );
    this.dropPending = this.db.prepare(`DELETE FROM _sluice_pending WHERE sink_id = ? AND store_id = ? AND id <= ?`);
    this.markOf = this.db.prepare(
      `SELECT last_id FROM _sluice_pending_marks WHERE sink_id = ? AND store_id = ? AND checkpoint_id = ?`,
    );
    this.dropRange = this.db.prepare(
      `DELETE FROM _sluice_pending WHERE sink_id = ? AND store_id = ? AND id > ? AND id <= ?`,
    );
    this.dropUnmarked = this.db.prepare(
      `DELETE FROM _sluice_pending WHERE sink_id = ? AND store_id = ? AND id >
         (SELECT COALESCE(MAX(last_id), 0) FROM _sluice_pending_marks WHERE sink_id = ? AND store_id = ?)`,
    );
    // WHERE before ON CONFLICT is what SQLite's parser needs for an upsert from a SELECT.
    const select = `SELECT key, time, value FROM _sluice_pending WHERE sink_id = ? AND store_id = ? AND id <= ? ORDER BY id`;
    this.moveStaged = this.db.prepare(
      mode === 'upsert'
        ? `INSERT INTO "${table}" (key, time, value) ${select}
           ON CONFLICT (key) DO UPDATE SET time = excluded.time, value = excluded.value`
        : `INSERT INTO "${table}" (key, time, value) ${select}`,
    );
    this.recover(options.discardStagedAfter);
  }

  /**
   * Refuse to go on when the commit records show that the state store lost checkpoints (issue
   * 10, fault 5: an emptied store started over silently, and an append table then held 65,846
   * rows twice):
   *   1. this store's last commit into the table is newer than the checkpoint the run restored
   *      (a commit happens only after its checkpoint is durable, so the store lost it);
   *   2. in another database: the run starts with nothing restored from a store that was not
   *      made by `--fresh`, and another store committed rows for this sink: the store they were
   *      committed with was deleted, emptied or replaced, and starting over would repeat them.
   */
  private assertStoreKnowsCommits(restored: number): void {
    const { store, operatorId, path } = this.options;
    const fresh = 'restore it, or run with --fresh to start over (rows already in the table stay)';
    const last = this.lastCommitted();
    if (last > restored) {
      throw new UserError(
        `state store ${store.path} has lost checkpoints: ${this.where} holds rows it committed with checkpoint ${last}, but it can restore only ${restored === 0 ? 'none' : `checkpoint ${restored}`}; ${fresh}`,
      );
    }
    if (path === undefined || last > 0 || restored > 0 || store.createdFresh) return;
    const other = this.db
      .prepare(`SELECT checkpoint_id FROM _sluice_commits WHERE sink_id = ? AND store_id != ? LIMIT 1`)
      .get(operatorId, store.storeId) as { checkpoint_id: number } | undefined;
    if (other) {
      throw new UserError(
        `${this.where} holds rows that Sluice committed with another state store, but state store ${store.path} has no checkpoints: the store they were committed with was deleted, emptied or replaced; ${fresh}`,
      );
    }
  }

  /**
   * Bring the pending rows in line with the run that opens them (one transaction):
   * 1. rows and marks of another store's lineage (before a `--fresh`) go;
   * 2. marks of checkpoints already committed go (their rows moved with the commit);
   * 3. what the restored checkpoint (and those before it) staged stays; rows after its mark —
   *    staged by a checkpoint that never completed, or written after the last barrier — go.
   */
  private recover(discardStagedAfter: number | undefined): void {
    const { db, sinkId, storeId } = this;
    db.transaction(() => {
      db.prepare(`DELETE FROM _sluice_pending WHERE sink_id = ? AND store_id != ?`).run(sinkId, storeId);
      db.prepare(`DELETE FROM _sluice_pending_marks WHERE sink_id = ? AND store_id != ?`).run(sinkId, storeId);
      this.dropMarks.run(sinkId, storeId, this.lastCommitted());
      const k = discardStagedAfter ?? Number.MAX_SAFE_INTEGER;
      const keep = (this.markUpTo.get(sinkId, storeId, k) as { last: number | null }).last ?? 0;
      db.prepare(`DELETE FROM _sluice_pending WHERE sink_id = ? AND store_id = ? AND id > ?`).run(
        sinkId,
        storeId,
        keep,
      );
      db.prepare(`DELETE FROM _sluice_pending_marks WHERE sink_id = ? AND store_id = ? AND checkpoint_id > ?`).run(
        sinkId,
        storeId,
        k,
      );
    }).immediate();
  }

  /**
   * Pre-stage rows as they arrive, before the barrier that will own them: one transaction
   * without fsync (synchronous NORMAL). The barrier's transaction is FULL, and its fsync of the
   * write-ahead log makes these durable with it.
   */
  write(rows: readonly SqliteRow[]): void {
    if (rows.length === 0) return;
    if (this.options.mode === 'upsert' && rows.some((r) => r.key === null)) {
      throw new UserError(`sink.sqlite ${this.where} is in upsert mode and got a row without a key`);
    }
    this.db.pragma('synchronous = NORMAL');
    try {
      this.run(0, 'stage', () => this.insertPending(rows));
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  private insertPending(rows: readonly SqliteRow[]): void {
    const { sinkId, storeId, pendRow, pendChunk } = this;
    // Whole chunks in one statement each: a third of the cost of a statement per row.
    const params: unknown[] = [];
    let i = 0;
    let last = 0;
    for (; i + STAGE_CHUNK <= rows.length; i += STAGE_CHUNK) {
      params.length = 0;
      for (let j = i; j < i + STAGE_CHUNK; j++) {
        const r = rows[j]!;
        params.push(sinkId, storeId, r.key, r.time, r.value);
      }
      last = Number(pendChunk.run(params).lastInsertRowid);
    }
    for (; i < rows.length; i++) {
      const r = rows[i]!;
      last = Number(pendRow.run(sinkId, storeId, r.key, r.time, r.value).lastInsertRowid);
    }
    this.lastPending = last;
    this.unmarked = true;
  }

  /**
   * Pre-commit (phase one): `rows` join what was written since the last barrier, and all of it
   * becomes checkpoint `checkpointId`'s (a mark: its last pending id), in one FULL transaction.
   * Invisible in the sink table until the commit. In upsert mode a row without a key is refused.
   */
  stage(checkpointId: number, rows: readonly SqliteRow[]): void {
    if (this.options.mode === 'upsert' && rows.some((r) => r.key === null)) {
      throw new UserError(`sink.sqlite ${this.where} is in upsert mode and got a row without a key`);
    }
    if (rows.length === 0 && !this.unmarked) return;
    this.run(checkpointId, 'stage', () => {
      if (checkpointId <= this.lastCommitted()) {
        // Output of a checkpoint already committed (a repeated call): drop what is unmarked.
        this.dropUnmarked.run(this.sinkId, this.storeId, this.sinkId, this.storeId);
      } else {
        // Staging an id again (a direct caller retrying) replaces what it staged before.
        const { sinkId, storeId } = this;
        const old = (this.markOf.get(sinkId, storeId, checkpointId) as { last_id: number } | undefined)?.last_id;
        if (old !== undefined) {
          const before = (this.markUpTo.get(sinkId, storeId, checkpointId - 1) as { last: number | null }).last ?? 0;
          this.dropRange.run(sinkId, storeId, before, old);
        }
        if (rows.length > 0) this.insertPending(rows);
        this.markStmt.run(sinkId, storeId, checkpointId, this.lastPending);
      }
      this.unmarked = false;
    });
  }

  /**
   * `stage` with the fsync on the thread pool: the staging transaction commits without fsync
   * (synchronous NORMAL), then the write-ahead log is fsynced in the background, which makes it
   * durable as a FULL commit would have. Sound for WAL with NORMAL: frames that SQLite moves
   * out of the log before the fsync are synced into the database file before the log is
   * reused, and a log that is gone was checkpointed (and synced) when it was closed. Seals
   * settle in order; the checkpoint completes only once the promise resolved.
   */
  seal(checkpointId: number, rows: readonly SqliteRow[]): Promise<void> {
    if (rows.length === 0 && !this.unmarked) return this.sealing;
    this.db.pragma('synchronous = NORMAL');
    try {
      this.stage(checkpointId, rows);
    } finally {
      this.db.pragma('synchronous = FULL');
    }
    const wal = `${this.db.name}-wal`;
    this.sealing = this.sealing
      .then(() => fsyncIfExists(wal))
      .catch((error: unknown) => {
        throw new UserError(
          `cannot stage rows of ${this.where} for checkpoint ${checkpointId}: ${(error as Error).message}`,
        );
      });
    return this.sealing;
  }

  /**
   * Commit (phase two): move, in order, what every checkpoint up to `checkpointId` staged into
   * the sink table, with the commit record, in one transaction. Skipped when that checkpoint
   * (or a later one) is already recorded. With `rows`, stages them first (one step).
   */
  commit(checkpointId: number, rows?: readonly SqliteRow[]): void {
    if (rows) this.stage(checkpointId, rows);
    this.run(checkpointId, 'commit', () => {
      const { sinkId, storeId } = this;
      const mark = (this.markUpTo.get(sinkId, storeId, checkpointId) as { last: number | null }).last;
      if (mark !== null && checkpointId > this.lastCommitted()) {
        const moved = this.moveStaged.run(sinkId, storeId, mark).changes;
        if (moved > 0) this.record(checkpointId, moved);
      }
      if (mark !== null) this.dropPending.run(sinkId, storeId, mark);
      this.dropMarks.run(sinkId, storeId, checkpointId);
    });
  }

  /** One IMMEDIATE transaction, with SQLite errors as one clear line. */
  private run(checkpointId: number, what: 'stage' | 'commit', body: () => void): void {
    try {
      // IMMEDIATE: take the write lock first. A deferred transaction reads, then fails at once
      // with SQLITE_BUSY when it tries to write while another sink commits (busy_timeout does
      // not apply to that upgrade).
      this.db.transaction(body).immediate();
    } catch (error) {
      const code = sqliteCodeOf(error);
      if (code === 'UNKNOWN') throw error;
      throw new UserError(
        `sink.sqlite could not ${what} ${checkpointId > 0 ? `checkpoint ${checkpointId}` : 'rows'} to ${this.where}: ${describeSqliteCode(code)} (${code})`,
      );
    }
  }

  /** The last checkpoint whose rows are durable (0: none): where a replay must resume. */
  get lastCommittedCheckpoint(): number {
    return this.lastCommitted();
  }

  /** Closes its own connection; the state database's connection belongs to the store. */
  close(): void {
    if (this.ownsConnection && this.db.open) this.db.close();
  }
}

function openTarget(path: string): Database {
  try {
    fs.mkdirSync(nodePath.dirname(path), { recursive: true });
    const db = new BetterSqlite3(path, sqliteOptions());
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE IF NOT EXISTS _sluice_commits (
      sink_id       TEXT    NOT NULL,
      store_id      TEXT    NOT NULL,
      checkpoint_id INTEGER NOT NULL,
      committed_at  REAL    NOT NULL,
      PRIMARY KEY (sink_id, store_id)
    )`);
    return db;
  } catch (error) {
    const code = sqliteCodeOf(error);
    const reason = code === 'UNKNOWN' ? (error as Error).message : `${describeSqliteCode(code)} (${code})`;
    throw new UserError(`cannot open sink database ${path}: ${reason}`);
  }
}

/** Create the table, or check that an existing one fits the mode. */
function ensureTable(db: Database, table: string, mode: 'append' | 'upsert', where: string): void {
  db.exec(
    mode === 'upsert'
      ? `CREATE TABLE IF NOT EXISTS "${table}" (key TEXT PRIMARY KEY NOT NULL, time REAL NOT NULL, value TEXT NOT NULL)`
      : `CREATE TABLE IF NOT EXISTS "${table}" (key TEXT, time REAL NOT NULL, value TEXT NOT NULL)`,
  );
  const columns = db.prepare(`SELECT name, pk FROM pragma_table_info(?)`).all(table) as Array<{
    name: string;
    pk: number;
  }>;
  const names = new Set(columns.map((c) => c.name.toLowerCase()));
  const missing = ['key', 'time', 'value'].filter((c) => !names.has(c));
  if (missing.length) {
    throw new UserError(
      `sink.sqlite ${where} already exists without the column(s) ${missing.join(', ')}; use another table`,
    );
  }
  if (mode === 'upsert') {
    const pk = columns.filter((c) => c.pk > 0).map((c) => c.name.toLowerCase());
    if (pk.length !== 1 || pk[0] !== 'key') {
      throw new UserError(
        `sink.sqlite ${where} exists without a primary key on key, which upsert mode needs; use another table or mode append`,
      );
    }
  }
}

/** fsync a file on the thread pool; a file that is gone needs none (ENOENT resolves). */
function fsyncIfExists(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.open(path, 'r+', (openError, fd) => {
      if (openError) return openError.code === 'ENOENT' ? resolve() : reject(openError);
      fs.fsync(fd, (error) => fs.close(fd, () => (error ? reject(error) : resolve())));
    });
  });
}
