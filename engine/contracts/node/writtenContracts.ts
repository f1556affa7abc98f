import fs from 'node:fs';
import nodePath from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { sqliteOptions } from '../../store/sqliteOptions.js';
import { CONTRACTS_TABLE, type WrittenContract } from '../common/writtenContract.js';

/**
 * Which contract versions a sink wrote into its target (SPEC §11), so `validate` can tell when
 * a sink now writes a version its target's older events are incompatible with
 * (`checkWrittenContracts`). Recorded when a sink with a `contract` opens its target:
 * - a SQLite table: rows of `_sluice_contracts (tbl, contract, first_at, last_at)` in the same
 *   database (the state database for a table without a path);
 * - a file: the sidecar `.<file>.sluice-contracts.json` beside it;
 * - PostgreSQL: `_sluice_contracts` in the same database, in the transaction of the first rows;
 * - a NATS subject: each message's `Sluice-Contract` header (no record: the stream is the truth).
 * A target found empty when the sink opens forgets what it held (a fresh run, a rebuild): only
 * what is in it counts.
 */

interface Sidecar {
  format: 'sluice/written-contracts';
  contracts: WrittenContract[];
}

/** The sidecar of a sink file: `.<name>.sluice-contracts.json` in the same folder. */
export function contractSidecarOf(file: string): string {
  return nodePath.join(nodePath.dirname(file), `.${nodePath.basename(file)}.sluice-contracts.json`);
}

/** Record that a sink on `ref` writes `file` (called once the sink opened it). Never throws. */
export function recordFileContract(file: string, ref: string, now = Date.now()): void {
  try {
    const empty = !fs.existsSync(file) || fs.statSync(file).size === 0;
    const held = empty ? [] : readSidecar(file);
    const next = upsert(held, ref, now);
    const sidecar: Sidecar = { format: 'sluice/written-contracts', contracts: next };
    const target = contractSidecarOf(file);
    const temp = `${target}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(sidecar, null, 2) + '\n');
    fs.renameSync(temp, target);
  } catch {
    // A record that cannot be written only makes the design-time check blind, never the run fail.
  }
}

/** The contracts `file` holds events of: none when it is missing or empty, or has no sidecar. */
export function readFileContracts(file: string): WrittenContract[] {
  if (!fs.existsSync(file) || fs.statSync(file).size === 0) return [];
  return readSidecar(file);
}

function readSidecar(file: string): WrittenContract[] {
  let text: string;
  try {
    text = fs.readFileSync(contractSidecarOf(file), 'utf8');
  } catch {
    return [];
  }
  try {
    const parsed = JSON.parse(text) as Partial<Sidecar>;
    return Array.isArray(parsed.contracts) ? parsed.contracts.filter(isWritten) : [];
  } catch {
    return [];
  }
}

/**
 * Record that a sink on `ref` writes `table` of `db` (called once the sink opened it, so the
 * table exists). An empty table forgets what it held. Never throws.
 */
export function recordTableContract(db: Database, table: string, ref: string, now = Date.now()): void {
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS ${CONTRACTS_TABLE} (
      tbl TEXT NOT NULL, contract TEXT NOT NULL, first_at REAL NOT NULL, last_at REAL NOT NULL,
      PRIMARY KEY (tbl, contract))`);
    const empty = db.prepare(`SELECT 1 FROM "${table}" LIMIT 1`).get() === undefined;
    db.transaction(() => {
      if (empty) db.prepare(`DELETE FROM ${CONTRACTS_TABLE} WHERE tbl = ?`).run(table);
      db.prepare(
        `INSERT INTO ${CONTRACTS_TABLE} (tbl, contract, first_at, last_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (tbl, contract) DO UPDATE SET last_at = excluded.last_at`,
      ).run(table, ref, now, now);
    })();
  } catch {
    // As for files: the check goes blind, the run goes on.
  }
}

/** `recordTableContract` on a database of its own (a sink table outside the state database). */
export function recordTableContractAt(dbPath: string, table: string, ref: string): void {
  let db: Database | null = null;
  try {
    db = new BetterSqlite3(dbPath, sqliteOptions({ fileMustExist: true }));
    db.pragma('busy_timeout = 2000');
    recordTableContract(db, table, ref);
  } catch {
    // see recordTableContract
  } finally {
    db?.close();
  }
}

/**
 * The contracts `table` of the SQLite database at `dbPath` holds events of, read only: none when
 * the database, the table or the record is missing, or the table is empty.
 */
export function readTableContracts(dbPath: string, table: string): WrittenContract[] {
  if (!fs.existsSync(dbPath)) return [];
  const db = new BetterSqlite3(dbPath, sqliteOptions({ readonly: true, fileMustExist: true }));
  try {
    db.pragma('busy_timeout = 1000');
    const has = (name: string): boolean =>
      db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
    if (!has(table) || !has(CONTRACTS_TABLE)) return [];
    if (db.prepare(`SELECT 1 FROM "${table}" LIMIT 1`).get() === undefined) return [];
    const rows = db
      .prepare(`SELECT contract, first_at, last_at FROM ${CONTRACTS_TABLE} WHERE tbl = ? ORDER BY first_at`)
      .all(table) as Array<{ contract: string; first_at: number; last_at: number }>;
    return rows.map((r) => ({ contract: r.contract, firstAt: r.first_at, lastAt: r.last_at }));
  } finally {
    db.close();
  }
}

function upsert(held: readonly WrittenContract[], ref: string, now: number): WrittenContract[] {
  const found = held.find((w) => w.contract === ref);
  if (found) return held.map((w) => (w === found ? { ...w, lastAt: now } : w));
  return [...held, { contract: ref, firstAt: now, lastAt: now }];
}

function isWritten(x: unknown): x is WrittenContract {
  const w = x as Partial<WrittenContract> | null;
  return typeof w?.contract === 'string' && typeof w.firstAt === 'number' && typeof w.lastAt === 'number';
}
