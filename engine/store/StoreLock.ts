import fs from 'node:fs';
import os from 'node:os';
import { UserError } from '../contract/operator.js';

interface LockOwner {
  pid: number;
  host: string;
  since: number;
}

/**
 * Paths locked by this process. SQLite's own locks do not stop a second run from writing the
 * same checkpoints, and the lock file alone cannot tell two runs of one process apart (same
 * pid), so both are checked. Module state is per thread: the lock owner is the coordinator on
 * the main thread; worker threads attach to a store without locking.
 */
const heldInThisProcess = new Set<string>();

/**
 * An exclusive claim on a state store by one Sluice run: a `<db>.lock` file created with
 * `O_EXCL`, holding the owner's pid and host. A lock whose pid is no longer alive on this host
 * is stale (the run was killed) and is taken over.
 */
export class StoreLock {
  private released = false;

  private constructor(
    /** The lock file's path. */
    readonly path: string,
    private readonly dbPath: string,
  ) {}

  /**
   * Claim `dbPath` or throw a `UserError` naming the run that holds it.
   *   1. Create the lock file exclusively; done if that works.
   *   2. Otherwise read the owner. A live owner (or one on another host, which we cannot
   *      check) refuses the claim.
   *   3. A dead owner's file is renamed aside (atomic, so of two claimants only one moves it),
   *      checked to still be the stale one, and removed; then go back to step 1.
   */
  static acquire(dbPath: string): StoreLock {
    const lockPath = `${dbPath}.lock`;
    if (heldInThisProcess.has(lockPath)) {
      throw new UserError(`state store ${dbPath} is in use by another Sluice run (pid ${process.pid}, this process)`);
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const me: LockOwner = { pid: process.pid, host: os.hostname(), since: Date.now() };
      try {
        const fd = fs.openSync(lockPath, 'wx');
        try {
          fs.writeSync(fd, JSON.stringify(me));
        } finally {
          fs.closeSync(fd);
        }
        heldInThisProcess.add(lockPath);
        return new StoreLock(lockPath, dbPath);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new UserError(`cannot create the lock file ${lockPath}: ${(error as Error).message}`);
        }
      }
      const text = readOrNull(lockPath);
      if (text === null) continue; // removed between our create and read: try again
      const owner = parseOwner(text);
      if (owner && isAlive(owner)) {
        throw new UserError(
          `state store ${dbPath} is in use by another Sluice run (pid ${owner.pid}); if no run is active, delete ${lockPath}`,
        );
      }
      // Unparsable content is a claimant killed between create and write: stale as well.
      const aside = `${lockPath}.stale-${process.pid}-${Date.now()}`;
      try {
        fs.renameSync(lockPath, aside);
      } catch {
        continue; // another claimant moved it first
      }
      if (readOrNull(aside) !== text) {
        // We moved a fresh lock that a faster claimant had just created: put it back.
        try {
          fs.linkSync(aside, lockPath);
        } catch {
          /* someone holds lockPath again; they won */
        }
      }
      fs.rmSync(aside, { force: true });
    }
    throw new UserError(`state store ${dbPath} is being claimed by several Sluice runs at once; try again`);
  }

  /** The owner recorded in `<dbPath>.lock`, or null when there is none. For messages and tests. */
  static ownerOf(dbPath: string): { pid: number; host: string } | null {
    const text = readOrNull(`${dbPath}.lock`);
    const owner = text === null ? null : parseOwner(text);
    return owner ? { pid: owner.pid, host: owner.host } : null;
  }

  /** Remove the lock file if it is still ours. Safe to call twice. */
  release(): void {
    if (this.released) return;
    this.released = true;
    heldInThisProcess.delete(this.path);
    const text = readOrNull(this.path);
    const owner = text === null ? null : parseOwner(text);
    if (owner && owner.pid === process.pid && owner.host === os.hostname()) {
      fs.rmSync(this.path, { force: true });
    }
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

function isAlive(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return true;
  // Our own pid but not in heldInThisProcess: a store this process opened and never closed.
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
