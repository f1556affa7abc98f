import fs from 'node:fs';
import os from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { UserError } from '../contract/operator.js';
import { sqliteOptions } from './sqliteOptions.js';
import { describeSqliteCode, sqliteCodeOf } from './storeErrors.js';

interface LockOwner {
  pid: number;
  host: string;
  since: number;
}

/**
 * Paths locked by this thread, for the message: SQLite would refuse a second lock in this
 * process too, but cannot say that it is this process. Module state is per thread: the lock
 * owner is the coordinator on the main thread; worker threads attach to a store without locking.
 */
const heldInThisProcess = new Set<string>();

/**
 * How long a claim waits for a lock that is held. A run killed with SIGKILL holds it until the
 * kernel has torn the process down, a moment after the signal; a live run holds it for good, so
 * waiting longer only delays the refusal.
 */
const CLAIM_WAIT_MS = 500;

/**
 * An exclusive claim on a state store by one Sluice run, held as an OS advisory lock that the
 * kernel releases when the process dies, however it dies: SQLite's own exclusive lock on a
 * companion database `<db>-lock`, taken in `locking_mode=EXCLUSIVE` (so it is kept after the
 * transaction that took it) and held by an open connection until `release`.
 *
 * Why not a pid in a file (issue 10, fault 8): a process killed with SIGKILL stays a zombie
 * until its parent reaps it, and `kill(pid, 0)` cannot tell a zombie from a live run; through
 * `npx`, every restart within ~2 s of a `kill -9` was refused. The kernel drops a dead process's
 * locks before it becomes a zombie. No package is needed: better-sqlite3 is already here, and
 * SQLite's locks are the fcntl locks a flock package would take.
 *
 * `<db>.lock` still records the owner's pid and host, only for the message a second run gets
 * and for worker threads to check that their process holds the store. The companion file stays
 * when the lock is released: deleting it would let a claimant that opened it just before hold a
 * lock on a file no one else can find.
 */
export class StoreLock {
  private released = false;

  private constructor(
    /** The owner file's path (`<db>.lock`). */
    readonly path: string,
    private readonly dbPath: string,
    /** The connection whose exclusive lock is the claim. */
    private readonly holder: Database,
  ) {}

  /**
   * Claim `dbPath` or throw a `UserError` naming the run that holds it.
   *   1. Refuse at once if this process holds it.
   *   2. Take SQLite's exclusive lock on `<db>-lock`, waiting up to `CLAIM_WAIT_MS` for a run
   *      that is dying; a lock still held means a live run: refuse, naming its recorded pid.
   *   3. Record this process as the owner in `<db>.lock` (written aside, then renamed).
   */
  static acquire(dbPath: string): StoreLock {
    const lockPath = `${dbPath}.lock`;
    if (heldInThisProcess.has(lockPath)) {
      throw new UserError(`state store ${dbPath} is in use by another Sluice run (pid ${process.pid}, this process)`);
    }
    const holder = claim(`${dbPath}-lock`, dbPath, lockPath);
    try {
      const me: LockOwner = { pid: process.pid, host: os.hostname(), since: Date.now() };
      const aside = `${lockPath}.${process.pid}.tmp`;
      fs.writeFileSync(aside, JSON.stringify(me));
      fs.renameSync(aside, lockPath);
    } catch (error) {
      holder.close();
      throw new UserError(`cannot write the lock file ${lockPath}: ${(error as Error).message}`);
    }
    heldInThisProcess.add(lockPath);
    return new StoreLock(lockPath, dbPath, holder);
  }

  /** The owner recorded in `<dbPath>.lock`, or null when there is none. For messages and tests. */
  static ownerOf(dbPath: string): { pid: number; host: string } | null {
    const text = readOrNull(`${dbPath}.lock`);
    const owner = text === null ? null : parseOwner(text);
    return owner ? { pid: owner.pid, host: owner.host } : null;
  }

  /** Remove the owner file if it is still ours, then let go of the lock. Safe to call twice. */
  release(): void {
    if (this.released) return;
    this.released = true;
    heldInThisProcess.delete(this.path);
    const text = readOrNull(this.path);
    const owner = text === null ? null : parseOwner(text);
    if (owner && owner.pid === process.pid && owner.host === os.hostname()) {
      fs.rmSync(this.path, { force: true });
    }
    if (this.holder.open) this.holder.close();
  }

  /** Whether this process holds the lock on `dbPath` (for worker attach checks). */
  static isHeldByThisProcess(dbPath: string): boolean {
    const owner = StoreLock.ownerOf(dbPath);
    return owner !== null && owner.pid === process.pid && owner.host === os.hostname();
  }

  toString(): string {
    return `StoreLock(${this.dbPath})`;
  }
}

/** Open `companion` and take its exclusive lock, or throw the refusal. */
function claim(companion: string, dbPath: string, lockPath: string): Database {
  for (let attempt = 0; ; attempt++) {
    let db: Database | undefined;
    try {
      db = new BetterSqlite3(companion, sqliteOptions({ timeout: CLAIM_WAIT_MS }));
      db.pragma('locking_mode = EXCLUSIVE');
      // An exclusive transaction takes the lock; in EXCLUSIVE locking mode it is kept after.
      db.exec('BEGIN EXCLUSIVE');
      db.exec('COMMIT');
      return db;
    } catch (error) {
      db?.close();
      const code = sqliteCodeOf(error);
      if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
        const text = readOrNull(lockPath);
        const owner = text === null ? null : parseOwner(text);
        throw new UserError(
          `state store ${dbPath} is in use by another Sluice run${owner ? ` (pid ${owner.pid})` : ''}; if no run is active, delete ${lockPath}`,
        );
      }
      // Not a database (damaged, or written by something else): no run can hold a lock on it
      // through SQLite, so it is replaced, once.
      if ((code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) && attempt === 0) {
        fs.rmSync(companion, { force: true });
        continue;
      }
      const reason = code === 'UNKNOWN' ? (error as Error).message : `${describeSqliteCode(code)} (${code})`;
      throw new UserError(`cannot lock state store ${dbPath} (through ${companion}): ${reason}`);
    }
  }
}

function readOrNull(path: string): string | null {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function parseOwner(text: string): LockOwner | null {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (
      typeof value.pid === 'number' &&
      Number.isInteger(value.pid) &&
      value.pid > 0 &&
      typeof value.host === 'string'
    ) {
      return { pid: value.pid, host: value.host, since: Number(value.since) || 0 };
    }
  } catch {
    /* fall through */
  }
  return null;
}
