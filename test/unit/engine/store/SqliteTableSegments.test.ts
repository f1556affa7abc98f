import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteTableCommitter } from '../../../../engine/store/SqliteTableCommitter.js';
import { StateStore } from '../../../../engine/store/StateStore.js';

let dir: string;
let store: StateStore;
let target: string;
const row = (key: string, n: number) => ({ key, time: n, value: JSON.stringify(n) });

function open(discardStagedAfter?: number): SqliteTableCommitter {
  return new SqliteTableCommitter({
    store,
    operatorId: 'op',
    path: target,
    table: 't',
    mode: 'append',
    ...(discardStagedAfter !== undefined ? { discardStagedAfter } : {}),
  });
}

function query<T>(sql: string): T[] {
  const db = new BetterSqlite3(target, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

const segmentTables = () =>
  query<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB '_sluice_seg_[0-9]*'`);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-segments-'));
  store = StateStore.open(path.join(dir, 'state.db'));
  target = path.join(dir, 'out.db');
});

afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('SqliteTableCommitter segments', () => {
  it('stages each barrier interval in a table of its own and drops it with the commit', async () => {
    const t = open(0);
    t.write(Array.from({ length: 150 }, (_, i) => row('a', i))); // whole 64-row chunks and the rest
    await t.seal(1, [row('a', 150)]);
    t.write([row('b', 151)]);
    expect(segmentTables()).toHaveLength(2);
    expect(query('SELECT * FROM t')).toEqual([]);
    await t.commitInBackground(1);
    expect(query<{ time: number }>('SELECT time FROM t ORDER BY rowid').map((r) => r.time)).toEqual(
      Array.from({ length: 151 }, (_, i) => i),
    );
    expect(segmentTables()).toHaveLength(1); // the open one, after the barrier
    await t.seal(2, []);
    await t.commitInBackground(2);
    expect(segmentTables()).toEqual([]);
    expect(query('SELECT * FROM _sluice_segments')).toEqual([]);
    expect(query<{ n: number }>('SELECT COUNT(*) AS n FROM t')[0]!.n).toBe(152);
    t.close();
  });

  it('commits rows an earlier version staged one per row in _sluice_pending, before newer ones', () => {
    const t = open(0);
    t.close();
    // What an earlier version left: checkpoint 1 staged (two rows and its mark), not committed.
    const db = new BetterSqlite3(target);
    const ins = db.prepare(
      `INSERT INTO _sluice_pending (sink_id, store_id, key, time, value) VALUES ('op', ?, 'old', ?, '1')`,
    );
    ins.run(store.storeId, 1);
    const last = Number(ins.run(store.storeId, 2).lastInsertRowid);
    db.prepare(
      `INSERT INTO _sluice_pending_marks (sink_id, store_id, checkpoint_id, last_id) VALUES ('op', ?, 1, ?)`,
    ).run(store.storeId, last);
    db.close();
    const again = open(1);
    again.stage(2, [row('new', 3)]);
    again.commit(1);
    again.commit(2);
    expect(query<{ key: string; time: number }>('SELECT key, time FROM t ORDER BY rowid')).toEqual([
      { key: 'old', time: 1 },
      { key: 'old', time: 2 },
      { key: 'new', time: 3 },
    ]);
    expect(query('SELECT * FROM _sluice_pending')).toEqual([]);
    expect(segmentTables()).toEqual([]);
    again.close();
  });

  it('drops the segments of a checkpoint that never completed when it reopens', async () => {
    const t = open(0);
    await t.seal(1, [row('a', 1)]);
    await t.seal(2, [row('a', 2)]);
    t.write([row('a', 3)]);
    t.close(); // crash: checkpoint 1 completed, 2 did not
    const again = open(1);
    expect(segmentTables()).toHaveLength(1);
    again.commit(1);
    expect(query<{ time: number }>('SELECT time FROM t').map((r) => r.time)).toEqual([1]);
    expect(segmentTables()).toEqual([]);
    again.close();
  });
});
