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
/** Rows per multi-row INSERT when staging (3 parameters each; 64 measured fastest, 100–256 slower). */
const STAGE_CHUNK = 64;
/** The staging tables' columns, as the sink table's. */
const STAGE_COLUMNS = '(key TEXT, time REAL NOT NULL, value TEXT NOT NULL)';

/** The segment rows are written to between barriers (a table of its own), with its inserts. */
interface OpenSegment {
  seg: number;
  insertRow: Statement;
  insertChunk: Statement;
}

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
 * Staging: rows go, as they arrive, into a segment, a table of their own with the sink
 * table's columns (`_sluice_seg_<n>`, listed in `_sluice_segments` with its sink, store and,
 * once a barrier sealed it, its checkpoint). A barrier seals the open segment; rows after it go
 * to the next. The commit copies each sealed segment into the sink table with one
 * `INSERT … SELECT *` (SQLite copies the records without decoding them when the columns
 * match) and drops it, which frees its pages at once instead of deleting row by row. Rows
 * are written once by JavaScript, with three parameters each, as a plain loop would.
 * (`_sluice_pending`, the per-row staging table of earlier versions, is still read: rows a
 * store staged there before an upgrade are committed first.)
 *
 * Table: `(key TEXT, time REAL, value TEXT)` with `value` holding JSON; `upsert` makes `key`
 * the primary key. An existing table must have those columns.
 */
export class SqliteTableCommitter implements TransactionalTable {
  private readonly db: Database;
  private readonly ownsConnection: boolean;
  private readonly sinkId: string;
  private readonly storeId: string;
  private readonly markUpTo: Statement;
  private readonly dropMarks: Statement;
  private readonly dropPending: Statement;
  private readonly markOf: Statement;
  private readonly dropRange: Statement;
  private readonly moveStaged: Statement;
  private readonly newSegment: Statement;
  private readonly sealSegment: Statement;
  private readonly forgetSegment: Statement;
  private readonly segmentsOf: Statement;
  private readonly segmentsUpTo: Statement;
  private readonly segmentsAt: Statement;
  /** `PRAGMA synchronous` NORMAL / FULL, prepared once: staging switches for every write. */
  private readonly syncNormal: Statement;
  private readonly syncFull: Statement;
  /** The segment rows since the last barrier go to; null until the first such row. */
  private open: OpenSegment | null = null;
  /** Whether this sink has rows staged in `_sluice_pending` (by a version before segments). */
  private legacy = false;
  /** The statement that copies a sealed segment (a table name) into the sink table. */
  private readonly moveSql: (segmentTable: string) => string;
  /** The chunk of parameters a multi-row insert takes, reused. */
  private readonly params: unknown[] = new Array<unknown>(STAGE_CHUNK * 3);
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
    // Rows of earlier versions, one per row in arrival order, and one mark per staged
    // checkpoint: the last pending id it owns. Still created: a store may hold such rows.
    this.db.exec(`CREATE TABLE IF NOT EXISTS _sluice_pending (
      id INTEGER PRIMARY KEY AUTOINCREMENT, sink_id TEXT NOT NULL, store_id TEXT NOT NULL,
      key TEXT, time REAL NOT NULL, value TEXT NOT NULL
    )`);
    this.db.exec(`CREATE TABLE IF NOT EXISTS _sluice_pending_marks (
      sink_id TEXT NOT NULL, store_id TEXT NOT NULL, checkpoint_id INTEGER NOT NULL, last_id INTEGER NOT NULL,
      PRIMARY KEY (sink_id, store_id, checkpoint_id)
    )`);
    // One row per segment; AUTOINCREMENT: segment numbers (and table names) are never reused.
    // checkpoint_id NULL: the open segment, written since the last barrier.
    this.db.exec(`CREATE TABLE IF NOT EXISTS _sluice_segments (
      seg INTEGER PRIMARY KEY AUTOINCREMENT, sink_id TEXT NOT NULL, store_id TEXT NOT NULL, checkpoint_id INTEGER
    )`);
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
    // WHERE before ON CONFLICT is what SQLite's parser needs for an upsert from a SELECT.
    const select = `SELECT key, time, value FROM _sluice_pending WHERE sink_id = ? AND store_id = ? AND id <= ? ORDER BY id`;
    const upsert = `ON CONFLICT (key) DO UPDATE SET time = excluded.time, value = excluded.value`;
    this.moveStaged = this.db.prepare(
      mode === 'upsert'
        ? `INSERT INTO "${table}" (key, time, value) ${select} ${upsert}`
        : `INSERT INTO "${table}" (key, time, value) ${select}`,
    );
    this.newSegment = this.db.prepare(
      `INSERT INTO _sluice_segments (sink_id, store_id, checkpoint_id) VALUES (?, ?, NULL)`,
    );
    this.sealSegment = this.db.prepare(`UPDATE _sluice_segments SET checkpoint_id = ? WHERE seg = ?`);
    this.forgetSegment = this.db.prepare(`DELETE FROM _sluice_segments WHERE seg = ?`);
    this.segmentsOf = this.db.prepare(
      `SELECT seg, store_id AS storeId, checkpoint_id AS checkpointId FROM _sluice_segments WHERE sink_id = ? ORDER BY seg`,
    );
    this.segmentsUpTo = this.db.prepare(
      `SELECT seg FROM _sluice_segments WHERE sink_id = ? AND store_id = ? AND checkpoint_id <= ? ORDER BY seg`,
    );
    this.syncNormal = this.db.prepare('PRAGMA synchronous = NORMAL');
    this.syncFull = this.db.prepare('PRAGMA synchronous = FULL');
    this.segmentsAt = this.db.prepare(
      `SELECT seg FROM _sluice_segments WHERE sink_id = ? AND store_id = ? AND checkpoint_id = ?`,
    );
    // A sink table with exactly the staging columns, in order, takes `SELECT *`, which SQLite
    // copies record by record without decoding (its transfer optimisation) when it has no
    // index, trigger or other constraint; anything else goes column by column.
    const columns = (this.db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as Array<{ name: string }>)
      .map((c) => c.name.toLowerCase())
      .join(',');
    this.moveSql =
      mode === 'upsert'
        ? (seg) => `INSERT INTO "${table}" (key, time, value) SELECT key, time, value FROM ${seg} WHERE true ${upsert}`
        : columns === 'key,time,value'
          ? (seg) => `INSERT INTO "${table}" SELECT * FROM ${seg}`
          : (seg) => `INSERT INTO "${table}" (key, time, value) SELECT key, time, value FROM ${seg}`;
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
   * Bring the staged rows in line with the run that opens them (one transaction):
   * 1. segments and pending rows of another store's lineage (before a `--fresh`) go;
   * 2. what checkpoints already committed staged goes (it was copied with the commit);
   * 3. what the restored checkpoint (and those before it) staged stays; what came after —
   *    staged by a checkpoint that never completed, or written after the last barrier — goes.
   */
  private recover(discardStagedAfter: number | undefined): void {
    const { db, sinkId, storeId } = this;
    db.transaction(() => {
      const committed = this.lastCommitted();
      const k = discardStagedAfter ?? Number.MAX_SAFE_INTEGER;
      // Rows staged one per row by earlier versions.
      db.prepare(`DELETE FROM _sluice_pending WHERE sink_id = ? AND store_id != ?`).run(sinkId, storeId);
      db.prepare(`DELETE FROM _sluice_pending_marks WHERE sink_id = ? AND store_id != ?`).run(sinkId, storeId);
      this.dropMarks.run(sinkId, storeId, committed);
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
      this.legacy =
        db
          .prepare(`SELECT 1 FROM _sluice_pending_marks WHERE sink_id = ? AND store_id = ? LIMIT 1`)
          .get(sinkId, storeId) !== undefined;
      // Segments.
      const segments = this.segmentsOf.all(sinkId) as Array<{
        seg: number;
        storeId: string;
        checkpointId: number | null;
      }>;
      for (const s of segments) {
        const c = s.checkpointId;
        if (s.storeId !== storeId || c === null || c > k || c <= committed) this.dropSegment(s.seg);
      }
    }).immediate();
  }

  private dropSegment(seg: number): void {
    this.db.exec(`DROP TABLE IF EXISTS ${segmentTable(seg)}`);
    this.forgetSegment.run(seg);
  }

  /** The open segment; created (with its table) at the first row after a barrier. */
  private openSegment(): OpenSegment {
    if (this.open !== null) return this.open;
    const seg = Number(this.newSegment.run(this.sinkId, this.storeId).lastInsertRowid);
    const name = segmentTable(seg);
    this.db.exec(`CREATE TABLE ${name} ${STAGE_COLUMNS}`);
    this.open = {
      seg,
      insertRow: this.db.prepare(`INSERT INTO ${name} (key, time, value) VALUES (?, ?, ?)`),
      insertChunk: this.db.prepare(
        `INSERT INTO ${name} (key, time, value) VALUES ${new Array(STAGE_CHUNK).fill('(?, ?, ?)').join(', ')}`,
      ),
    };
    return this.open;
  }

  /**
   * Pre-stage rows as they arrive, before the barrier that will own them: one transaction
   * without fsync (synchronous NORMAL). The barrier's seal fsyncs the write-ahead log (or its
   * transaction is FULL), which makes these durable with it.
   */
  write(rows: readonly SqliteRow[]): void {
    if (rows.length === 0) return;
    this.refuseKeyless(rows);
    this.syncNormal.run();
    try {
      this.run(0, 'stage', () => this.insertStaged(rows));
    } finally {
      this.syncFull.run();
    }
  }

  private refuseKeyless(rows: readonly SqliteRow[]): void {
    if (this.options.mode === 'upsert' && rows.some((r) => r.key === null)) {
      throw new UserError(`sink.sqlite ${this.where} is in upsert mode and got a row without a key`);
    }
  }

  /** Append rows to the open segment: whole chunks in one statement each, the rest one by one. */
  private insertStaged(rows: readonly SqliteRow[]): void {
    const { insertRow, insertChunk } = this.openSegment();
    const params = this.params;
    let i = 0;
    for (; i + STAGE_CHUNK <= rows.length; i += STAGE_CHUNK) {
      let p = 0;
      for (let j = i; j < i + STAGE_CHUNK; j++) {
        const r = rows[j]!;
        params[p++] = r.key;
        params[p++] = r.time;
        params[p++] = r.value;
      }
      insertChunk.run(params);
    }
    for (; i < rows.length; i++) {
      const r = rows[i]!;
      insertRow.run(r.key, r.time, r.value);
    }
  }

  /**
   * Pre-commit (phase one): `rows` join what was written since the last barrier, and all of it
   * becomes checkpoint `checkpointId`'s (the open segment is sealed with its id), in one FULL
   * transaction. Invisible in the sink table until the commit. In upsert mode a row without a
   * key is refused.
   */
  stage(checkpointId: number, rows: readonly SqliteRow[]): void {
    this.refuseKeyless(rows);
    if (rows.length === 0 && this.open === null) return;
    this.run(checkpointId, 'stage', () => {
      const { sinkId, storeId } = this;
      if (checkpointId <= this.lastCommitted()) {
        // Output of a checkpoint already committed (a repeated call): drop what is unsealed.
        if (this.open !== null) this.dropSegment(this.open.seg);
        this.open = null;
        return;
      }
      // Staging an id again (a direct caller retrying) replaces what it staged before.
      for (const { seg } of this.segmentsAt.all(sinkId, storeId, checkpointId) as Array<{ seg: number }>) {
        this.dropSegment(seg);
      }
      if (this.legacy) {
        const old = (this.markOf.get(sinkId, storeId, checkpointId) as { last_id: number } | undefined)?.last_id;
        if (old !== undefined) {
          const before = (this.markUpTo.get(sinkId, storeId, checkpointId - 1) as { last: number | null }).last ?? 0;
          this.dropRange.run(sinkId, storeId, before, old);
          this.db
            .prepare(`DELETE FROM _sluice_pending_marks WHERE sink_id = ? AND store_id = ? AND checkpoint_id = ?`)
            .run(sinkId, storeId, checkpointId);
        }
      }
      if (rows.length > 0) this.insertStaged(rows);
      if (this.open !== null) this.sealSegment.run(checkpointId, this.open.seg);
      this.open = null;
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
    if (rows.length === 0 && this.open === null) return this.sealing;
    this.syncNormal.run();
    try {
      this.stage(checkpointId, rows);
    } finally {
      this.syncFull.run();
    }
    return this.syncLog(`cannot stage rows of ${this.where} for checkpoint ${checkpointId}`);
  }

  /** fsync the write-ahead log on the thread pool, after every earlier one. */
  private syncLog(failure: string): Promise<void> {
    const wal = `${this.db.name}-wal`;
    this.sealing = this.sealing
      .then(() => fsyncIfExists(wal))
      .catch((error: unknown) => {
        throw new UserError(`${failure}: ${(error as Error).message}`);
      });
    return this.sealing;
  }

  /**
   * Commit (phase two): copy, in order, what every checkpoint up to `checkpointId` staged into
   * the sink table, with the commit record, in one transaction, and drop it from staging.
   * Skipped when that checkpoint (or a later one) is already recorded. With `rows`, stages them
   * first (one step).
   */
  commit(checkpointId: number, rows?: readonly SqliteRow[]): void {
    if (rows) this.stage(checkpointId, rows);
    let legacyLeft = this.legacy;
    this.run(checkpointId, 'commit', () => {
      const { sinkId, storeId } = this;
      const apply = checkpointId > this.lastCommitted();
      let moved = 0;
      if (this.legacy) {
        const mark = (this.markUpTo.get(sinkId, storeId, checkpointId) as { last: number | null }).last;
        if (mark !== null && apply) moved += this.moveStaged.run(sinkId, storeId, mark).changes;
        if (mark !== null) this.dropPending.run(sinkId, storeId, mark);
        this.dropMarks.run(sinkId, storeId, checkpointId);
        legacyLeft =
          this.db
            .prepare(`SELECT 1 FROM _sluice_pending_marks WHERE sink_id = ? AND store_id = ? LIMIT 1`)
            .get(sinkId, storeId) !== undefined;
      }
      for (const { seg } of this.segmentsUpTo.all(sinkId, storeId, checkpointId) as Array<{ seg: number }>) {
        if (apply) moved += this.db.prepare(this.moveSql(segmentTable(seg))).run().changes;
        this.dropSegment(seg);
      }
      if (moved > 0) this.record(checkpointId, moved);
    });
    this.legacy = legacyLeft;
  }

  /**
   * `commit` without an fsync on the operator's thread: the transaction commits with
   * synchronous NORMAL and the write-ahead log is fsynced on the thread pool, after every
   * earlier seal; settles once durable. A commit lost to a power cut before that fsync is
   * recommitted from staging after the restart (staging and the commit record change in the
   * same transaction).
   */
  commitInBackground(checkpointId: number): Promise<void> {
    this.syncNormal.run();
    try {
      this.commit(checkpointId);
    } finally {
      this.syncFull.run();
    }
    return this.syncLog(`cannot commit rows of ${this.where} for checkpoint ${checkpointId}`);
  }

  /** One IMMEDIATE transaction, with SQLite errors as one clear line. */
  private run(checkpointId: number, what: 'stage' | 'commit', body: () => void): void {
    // A transaction that rolls back leaves the segments as they were: so must this object.
    const open = this.open;
    try {
      // IMMEDIATE: take the write lock first. A deferred transaction reads, then fails at once
      // with SQLITE_BUSY when it tries to write while another sink commits (busy_timeout does
      // not apply to that upgrade).
      this.db.transaction(body).immediate();
    } catch (error) {
      this.open = open;
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

/** The staging table of segment `seg`. */
function segmentTable(seg: number): string {
  return `_sluice_seg_${seg}`;
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
