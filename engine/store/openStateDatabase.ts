import fs from 'node:fs';
import nodePath from 'node:path';
import { randomUUID } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { UserError } from '../contract/operator.js';
import { SCHEMA_VERSION, assertKnownVersion, migrate, readSchemaVersion } from './migrations.js';
import { sqliteOptions } from './sqliteOptions.js';
import { CorruptStateError, describeSqliteCode, sqliteCodeOf } from './storeErrors.js';

/** `PRAGMA application_id` of a Sluice state store ('SLCE'), to tell it from other SQLite files. */
const APPLICATION_ID = 0x534c4345;
const BUSY_TIMEOUT_MS = 5000;
const PAGE_SIZE = 65536;

/** A state database opened for a run: the connection and what `meta` says of its lineage. */
export interface OpenedStateDatabase {
  db: Database;
  /** Random id of the store's lineage, new whenever the store is created. */
  storeId: string;
  /** True when the store was created by `--fresh`: the user chose to discard earlier output. */
  createdFresh: boolean;
}

/**
 * Open the state database at `abs` for writing (the run holds its lock), creating it if missing.
 *
 * A new store is made whole beside its final name and renamed into place, so a file at `abs` is
 * always a complete Sluice store (schema, store id, lineage): it is never half-made, not even by
 * a run killed while creating it. That is what lets an existing file without the schema be
 * reported as damaged instead of being taken for a new store (issue 10, fault 5: a 0-byte state
 * DB, or one whose `-wal` was deleted before any of it reached the main file, started from
 * scratch with no message, and an append sink then held every row twice).
 *
 * 1. `fresh`: delete the database, its WAL and journal; then create as below.
 * 2. No file: create it (`createStore`), `createdFresh` as asked.
 * 3. A file: refuse it if it holds no Sluice schema (`CorruptStateError`) or belongs to another
 *    program (`UserError`), before anything is written to it; then WAL, migrations.
 */
export function openStateDatabase(abs: string, fresh: boolean): OpenedStateDatabase {
  if (fresh) {
    for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(abs + suffix, { force: true });
  }
  if (!fs.existsSync(abs)) {
    // A WAL without its database: the database was deleted or moved, not never made.
    const wal = fileSize(`${abs}-wal`);
    if (wal > 0) {
      throw new CorruptStateError(
        `state store ${abs} is missing but its write-ahead log (${abs}-wal, ${wal} bytes) is there: the database was deleted or moved; restore it, or run with --fresh to start over (this discards all state)`,
      );
    }
    createStore(abs, fresh);
  }
  let db: Database | undefined;
  try {
    db = connect(abs, false);
    assertSluiceStore(db, abs);
    configure(db);
    migrate(db, abs);
    return { db, storeId: readMeta(db, 'store_id') ?? '', createdFresh: readMeta(db, 'origin') === 'fresh' };
  } catch (error) {
    db?.close();
    throw translateOpenError(error, abs);
  }
}

/**
 * Create a complete store at `abs`: schema, store id and lineage written in a temporary file
 * (rollback journal, synchronous FULL), fsynced, renamed into place, and the folder fsynced.
 * Leftovers of a creation that was killed are removed first.
 */
function createStore(abs: string, fresh: boolean): void {
  const dir = nodePath.dirname(abs);
  const prefix = `${nodePath.basename(abs)}.new-`;
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith(prefix)) fs.rmSync(nodePath.join(dir, name), { force: true });
  }
  const tmp = nodePath.join(dir, `${prefix}${process.pid}`);
  let db: Database | undefined;
  try {
    db = connect(tmp, false);
    // Snapshots are multi-MB blobs: with 64 KiB pages a 4.2 MB checkpoint commits in 16 ms
    // (median of 10, WAL, synchronous FULL) against 54 ms with the default 4 KiB pages, while
    // a one-row sink record costs 5.0 ms instead of 3.5 ms. Settable only before anything is
    // written, so first.
    db.pragma(`page_size = ${PAGE_SIZE}`);
    db.pragma('synchronous = FULL');
    db.pragma(`application_id = ${APPLICATION_ID}`);
    migrate(db, abs);
    const setMeta = db.prepare(`INSERT INTO meta (key, value) VALUES (?, ?)`);
    db.transaction(() => {
      setMeta.run('store_id', randomUUID());
      setMeta.run('origin', fresh ? 'fresh' : 'new');
    })();
    db.close();
    db = undefined;
    fsyncPath(tmp, 'r+');
    fs.renameSync(tmp, abs);
    fsyncPath(dir, 'r');
  } catch (error) {
    db?.close();
    for (const suffix of ['', '-journal']) fs.rmSync(tmp + suffix, { force: true });
    throw translateOpenError(error, abs);
  }
}

/** Open the state database read-only (inspection: CLI, UI), at the current schema. */
export function openStateDatabaseReadonly(abs: string): { db: Database; storeId: string } {
  if (!fs.existsSync(abs)) throw new UserError(`state store ${abs} does not exist`);
  let db: Database | undefined;
  try {
    db = connect(abs, true);
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    assertSluiceStore(db, abs);
    const version = readSchemaVersion(db);
    assertKnownVersion(version, abs);
    if (version < SCHEMA_VERSION) {
      throw new UserError(
        `state store ${abs} uses an older schema (version ${version}); run the graph once with this Sluice to upgrade it`,
      );
    }
    return { db, storeId: readMeta(db, 'store_id') ?? '' };
  } catch (error) {
    db?.close();
    throw translateOpenError(error, abs);
  }
}

/** A second connection to a store that this process's run holds (a sink's worker thread). */
export function openStateDatabaseAttached(abs: string): OpenedStateDatabase {
  let db: Database | undefined;
  try {
    db = connect(abs, false);
    configure(db);
    const version = readSchemaVersion(db);
    if (version !== SCHEMA_VERSION)
      throw new UserError(`state store ${abs} has schema version ${version}, expected ${SCHEMA_VERSION}`);
    return { db, storeId: readMeta(db, 'store_id') ?? '', createdFresh: readMeta(db, 'origin') === 'fresh' };
  } catch (error) {
    db?.close();
    throw translateOpenError(error, abs);
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
 * Refuse a file that is not a whole Sluice store, writing nothing to it: a SQLite file another
 * program owns (so `--state` pointing at the wrong file never adds our tables to it), or one
 * with no Sluice schema, which Sluice never leaves behind (`createStore`), so it was emptied,
 * truncated or replaced. Also the first read, so "not a database" surfaces here.
 */
function assertSluiceStore(db: Database, abs: string): void {
  const appId = Number(db.pragma('application_id', { simple: true }));
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>;
  const hasMeta = tables.some((t) => t.name === 'meta');
  if (
    (appId !== APPLICATION_ID && appId !== 0) ||
    (!hasMeta && tables.some((t) => t.name !== 'meta' && !t.name.startsWith('sqlite_')))
  ) {
    throw new UserError(
      `${abs} is a SQLite database of another program, not a Sluice state store; choose another --state`,
    );
  }
  if (hasMeta && readSchemaVersion(db) > 0) return;
  const size = fileSize(abs);
  throw new CorruptStateError(
    size === 0
      ? `state store ${abs} is empty (0 bytes): it was truncated or replaced, so its checkpoints are gone; restore it, or run with --fresh to start over (this discards all state)`
      : `state store ${abs} holds no Sluice state (${size} bytes, no schema): it was emptied or damaged (a deleted or damaged ${nodePath.basename(abs)}-wal?); restore it, or run with --fresh to start over (this discards all state)`,
  );
}

function readMeta(db: Database, key: string): string | null {
  const row = db.prepare(`SELECT value FROM meta WHERE key = ?`).get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

function fileSize(path: string): number {
  try {
    return fs.statSync(path).size;
  } catch {
    return 0;
  }
}

/** Make a file's content (or a new directory entry) durable. Not supported on Windows folders. */
function fsyncPath(path: string, flags: 'r' | 'r+'): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(path, flags);
    fs.fsyncSync(fd);
  } catch {
    /* EISDIR/EPERM on Windows, where NTFS journals directory entries */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** SQLite's errors on open as one clear line: damage is `CorruptStateError`, the rest `UserError`. */
export function translateOpenError(error: unknown, abs: string): unknown {
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
