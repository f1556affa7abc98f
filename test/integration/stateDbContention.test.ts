/**
 * Several connections write the state database during a run: the coordinator (checkpoints)
 * and every worker that hosts a sink committing into it (sink.file's commit record,
 * sink.sqlite's rows when its table lives in the state DB). A write that meets another
 * connection's write lock must wait (busy_timeout 5 s), not fail.
 *
 * Found by crashRecovery.test.ts (parallelism 3, totals table in the state DB: SQLITE_BUSY
 * failed the run). A deferred transaction reads first, then cannot upgrade to a write while
 * another connection holds the lock (SQLite returns SQLITE_BUSY without waiting). Commits and
 * checkpoint writes now BEGIN IMMEDIATE, which waits through busy_timeout.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteTableCommitter } from '../../engine/store/SqliteTableCommitter.js';
import { StateStore } from '../../engine/store/StateStore.js';
import { encodeState } from '../../engine/store/stateCodec.js';
import { REPO } from './sluiceCli.js';

let dir: string;
let dbPath: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-busy-'));
  dbPath = path.join(dir, 'state.db');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * Another process takes the write lock of `db` (BEGIN IMMEDIATE) and holds it for `holdMs`.
 * Resolves once the lock is held; `released` resolves when the process has committed and exited.
 */
async function holdWriteLock(db: string, holdMs: number): Promise<{ released: Promise<void> }> {
  const script = `
    const db = new (require('better-sqlite3'))(${JSON.stringify(db)});
    db.pragma('busy_timeout = 5000');
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${holdMs});
    db.exec('COMMIT');
    db.close();`;
  const child = spawn(process.execPath, ['-e', script], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  const released = new Promise<void>((resolve) => child.on('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => d.includes('locked') && resolve());
    child.on('close', (code) => reject(new Error(`lock holder exited early (${code})`)));
  });
  return { released };
}

describe('writes to the state database while another connection holds its write lock', () => {
  it('a sink.sqlite commit into the state DB waits for the lock instead of failing with SQLITE_BUSY', async () => {
    const store = StateStore.open(dbPath);
    const attached = StateStore.open(dbPath, { attach: true });
    const table = new SqliteTableCommitter({
      store: attached,
      operatorId: 'op-latest',
      table: 'totals',
      mode: 'upsert',
    });
    try {
      const holder = await holdWriteLock(dbPath, 300);
      table.commit(1, [{ key: 'k1', time: 1, value: '{"value":1}' }]);
      await holder.released;
      expect(table.lastCommittedCheckpoint).toBe(1);
    } finally {
      table.close();
      attached.close();
      store.close();
    }
  });

  it('a checkpoint write waits for the lock instead of failing with SQLITE_BUSY', async () => {
    const store = StateStore.open(dbPath);
    try {
      const holder = await holdWriteLock(dbPath, 300);
      store.writeCheckpoint({
        id: 1,
        startedAt: Date.now(),
        snapshots: [
          { operatorId: 'op-agg', nodeId: 'agg', type: 'aggregate', configHash: 'h', state: encodeState({ a: 1 }) },
        ],
      });
      await holder.released;
      expect(store.latestCheckpoint()?.id).toBe(1);
    } finally {
      store.close();
    }
  });

  it('a single-statement commit record (sink.file) already waits for the lock', async () => {
    const store = StateStore.open(dbPath);
    const attached = StateStore.open(dbPath, { attach: true });
    try {
      const holder = await holdWriteLock(dbPath, 300);
      attached.recordSinkCommit('op-changelog', 1, { length: 10 });
      await holder.released;
      expect(store.lastSinkCommit('op-changelog')?.checkpointId).toBe(1);
    } finally {
      attached.close();
      store.close();
    }
  });
});
