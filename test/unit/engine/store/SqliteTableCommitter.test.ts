import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError, type SqliteRow } from '../../../../engine/contract/operator.js';
import { SqliteTableCommitter } from '../../../../engine/store/SqliteTableCommitter.js';
import { StateStore } from '../../../../engine/store/StateStore.js';

let dir: string;
let dbPath: string;
let targetPath: string;
const closers: Array<{ close(): void }> = [];

function openStore(options: { fresh?: boolean } = {}): StateStore {
  const store = StateStore.open(dbPath, options);
  closers.push(store);
  return store;
}

function table(
  store: StateStore,
  target: string | undefined,
  mode: 'append' | 'upsert',
  name = 'results',
): SqliteTableCommitter {
  const c = new SqliteTableCommitter({ store, operatorId: 'sink-op', path: target, table: name, mode });
  closers.push(c);
  return c;
}

function rowsOf(
  target: string | undefined,
  name = 'results',
): Array<{ key: string | null; time: number; value: string }> {
  const db = new BetterSqlite3(target ?? dbPath, { readonly: true });
  try {
    return db.prepare(`SELECT key, time, value FROM "${name}" ORDER BY rowid`).all() as Array<{
      key: string | null;
      time: number;
      value: string;
    }>;
  } finally {
    db.close();
  }
}

const row = (key: string | null, n: number): SqliteRow => ({ key, time: n, value: JSON.stringify({ n }) });

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-table-'));
  dbPath = path.join(dir, '.sluice', 'g.db');
  targetPath = path.join(dir, 'out', 'results.db');
});

afterEach(() => {
  for (const c of closers.splice(0).reverse()) c.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const targets: Array<[string, () => string | undefined]> = [
  ['the state database', () => undefined],
  ['another database', () => targetPath],
];

describe.each(targets)('SqliteTableCommitter into %s', (_name, target) => {
  it('appends each checkpoint once in append mode, also when committed again after a reopen', () => {
    const store = openStore();
    const t = table(store, target(), 'append');
    t.commit(1, [row('a', 1), row('a', 2)]);
    t.commit(1, [row('a', 1), row('a', 2)]);
    t.close();
    const again = table(store, target(), 'append');
    expect(again.lastCommittedCheckpoint).toBe(1);
    again.commit(1, [row('a', 1), row('a', 2)]);
    again.commit(2, [row(null, 3)]);
    expect(rowsOf(target())).toEqual([
      { key: 'a', time: 1, value: '{"n":1}' },
      { key: 'a', time: 2, value: '{"n":2}' },
      { key: null, time: 3, value: '{"n":3}' },
    ]);
  });

  it('keeps one row per key in upsert mode, with the latest value, and skips a recommit', () => {
    const store = openStore();
    const t = table(store, target(), 'upsert');
    t.commit(1, [row('a', 1), row('b', 2)]);
    t.commit(2, [row('a', 3)]);
    t.commit(2, [row('a', 99)]); // a recommit of 2 (same id) must not be applied again
    expect(rowsOf(target()).sort((x, y) => String(x.key).localeCompare(String(y.key)))).toEqual([
      { key: 'a', time: 3, value: '{"n":3}' },
      { key: 'b', time: 2, value: '{"n":2}' },
    ]);
  });

  it('writes nothing when the commit transaction fails, so the recommit lands once', () => {
    const store = openStore();
    const t = table(store, target(), 'append');
    t.commit(1, [row('a', 1)]);
    const db = new BetterSqlite3(target() ?? dbPath);
    db.exec(
      `CREATE TRIGGER fail AFTER INSERT ON results WHEN NEW.key = 'boom' BEGIN SELECT RAISE(ABORT, 'crash'); END`,
    );
    expect(() => t.commit(2, [row('x', 2), row('boom', 3)])).toThrow(UserError);
    db.exec(`DROP TRIGGER fail`);
    db.close();
    t.commit(2, [row('x', 2), row('ok', 3)]);
    expect(rowsOf(target()).map((r) => r.key)).toEqual(['a', 'x', 'ok']);
  });

  it('refuses a row without a key in upsert mode, naming the table', () => {
    const t = table(openStore(), target(), 'upsert');
    expect(() => t.commit(1, [row(null, 1)])).toThrow(/results .*upsert mode and got a row without a key/);
  });
});

describe('SqliteTableCommitter', () => {
  it('refuses a table name that is not a plain identifier', () => {
    const store = openStore();
    for (const bad of ['x; DROP TABLE meta', '1abc', 'my table', '', 'sqlite_master', '_sluice_commits', 'a"b']) {
      expect(() => table(store, undefined, 'append', bad)).toThrow(/sink table name .* is not allowed/);
    }
  });

  it("refuses the state store's own table names only in the state database", () => {
    const store = openStore();
    expect(() => table(store, undefined, 'append', 'checkpoints')).toThrow(/taken by the state store/);
    expect(() => table(store, targetPath, 'append', 'checkpoints')).not.toThrow();
  });

  it('refuses an existing table without the sink columns, or without a key primary key for upsert', () => {
    const store = openStore();
    const other = path.join(dir, 'other.db');
    const db = new BetterSqlite3(other);
    db.exec(`CREATE TABLE people (id INTEGER, name TEXT); CREATE TABLE log (key TEXT, time REAL, value TEXT)`);
    db.close();
    expect(() => table(store, other, 'append', 'people')).toThrow(/without the column\(s\) key, time, value/);
    expect(() => table(store, other, 'upsert', 'log')).toThrow(/without a primary key on key/);
    expect(() => table(store, other, 'append', 'log')).not.toThrow();
  });

  it('commits the rows and the sink record in one transaction in the state database', () => {
    const store = openStore();
    table(store, undefined, 'append').commit(7, [row('a', 1)]);
    expect(store.lastSinkCommit('sink-op')).toMatchObject({ checkpointId: 7, info: { table: 'results', rows: 1 } });
  });

  it('starts over in another database after --fresh, since checkpoint ids restart at 1', () => {
    let store = openStore();
    table(store, targetPath, 'append').commit(1, [row('a', 1)]);
    closers
      .splice(0)
      .reverse()
      .forEach((c) => c.close());
    store = openStore({ fresh: true });
    table(store, targetPath, 'append').commit(1, [row('b', 2)]);
    expect(rowsOf(targetPath).map((r) => r.key)).toEqual(['a', 'b']);
  });

  it('opens the target in WAL mode with synchronous FULL and keeps it sound', () => {
    const store = openStore();
    const t = table(store, targetPath, 'upsert');
    for (let id = 1; id <= 30; id++) t.commit(id, [row(`k${id % 5}`, id)]);
    t.close();
    const db = new BetterSqlite3(targetPath);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare(`SELECT COUNT(*) AS n FROM results`).get()).toEqual({ n: 5 });
    db.close();
    expect(store.integrityCheck()).toEqual([]);
  });
});

describe('SqliteTableCommitter staging (two-phase commit)', () => {
  it('keeps staged rows out of the table until the commit, and drops what an incomplete checkpoint staged after a crash', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-stage-table-'));
    const store = StateStore.open(path.join(dir, 'state.db'));
    const target = path.join(dir, 'out.db');
    const row = (key: string, n: number) => ({ key, time: n, value: JSON.stringify(n) });
    const a = new SqliteTableCommitter({
      store,
      operatorId: 'op',
      path: target,
      table: 't',
      mode: 'upsert',
      discardStagedAfter: 0,
    });
    a.stage(1, [row('x', 1), row('y', 1)]);
    a.stage(2, [row('x', 2)]);
    const count = (): number => {
      const db = new BetterSqlite3(target, { readonly: true });
      const n = (db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
      db.close();
      return n;
    };
    expect(count()).toBe(0);
    a.close(); // crash: checkpoint 1 completed, 2 did not
    const b = new SqliteTableCommitter({
      store,
      operatorId: 'op',
      path: target,
      table: 't',
      mode: 'upsert',
      discardStagedAfter: 1,
    });
    b.commit(1);
    b.commit(2);
    const db = new BetterSqlite3(target, { readonly: true });
    expect(db.prepare('SELECT key, value FROM t ORDER BY key').all()).toEqual([
      { key: 'x', value: '1' },
      { key: 'y', value: '1' },
    ]);
    db.close();
    b.close();
    store.close();
  });
});

describe('SqliteTableCommitter pending rows', () => {
  it('seals rows written since the last barrier into the checkpoint, and drops unsealed ones after a crash', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-pending-'));
    const store = StateStore.open(path.join(dir, 'state.db'));
    const target = path.join(dir, 'out.db');
    const row = (key: string, n: number) => ({ key, time: n, value: JSON.stringify(n) });
    const a = new SqliteTableCommitter({
      store,
      operatorId: 'op',
      path: target,
      table: 't',
      mode: 'append',
      discardStagedAfter: 0,
    });
    a.write([row('w', 1), row('w', 2)]);
    a.stage(1, [row('s', 3)]);
    a.write([row('late', 4)]);
    a.close(); // crash: checkpoint 1 completed, the late row was never sealed
    const b = new SqliteTableCommitter({
      store,
      operatorId: 'op',
      path: target,
      table: 't',
      mode: 'append',
      discardStagedAfter: 1,
    });
    b.commit(1);
    b.write([row('n', 5)]);
    b.stage(2, []);
    b.commit(2);
    const db = new BetterSqlite3(target, { readonly: true });
    expect(
      db
        .prepare('SELECT key FROM t ORDER BY rowid')
        .all()
        .map((r) => (r as { key: string }).key),
    ).toEqual(['w', 'w', 's', 'n']);
    expect((db.prepare('SELECT COUNT(*) AS n FROM _sluice_pending').get() as { n: number }).n).toBe(0);
    db.close();
    b.close();
    store.close();
  });
});

describe('SqliteTableCommitter evidence of a store that lost its commits', () => {
  it('refuses a commit newer than the restored checkpoint, and rows of another store when a new one restores nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-lost-table-'));
    const state = path.join(dir, 'state.db');
    const target = path.join(dir, 'out.db');
    const row = { key: 'k', time: 1, value: '1' };
    const open = (store: StateStore, restored: number) =>
      new SqliteTableCommitter({
        store,
        operatorId: 'op',
        path: target,
        table: 't',
        mode: 'append',
        discardStagedAfter: restored,
      });
    let store = StateStore.open(state);
    const a = open(store, 0);
    a.commit(2, [row]);
    a.close();
    expect(() => open(store, 1)).toThrow(
      /has lost checkpoints: table t in .* checkpoint 2, but it can restore only checkpoint 1/,
    );
    store.close();
    fs.rmSync(state);
    store = StateStore.open(state);
    expect(() => open(store, 0)).toThrow(
      /holds rows that Sluice committed with another state store, but state store .* has no checkpoints/,
    );
    store.close();
    store = StateStore.open(state, { fresh: true });
    open(store, 0).close();
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe.each(targets)('SqliteTableCommitter.seal (fsync off the thread) into %s', (_name, target) => {
  it('stages at once and commits what each sealed checkpoint holds, in order', async () => {
    const store = openStore();
    const c = table(store, target(), 'append');
    c.write([row('a', 1)]);
    const first = c.seal(1, [row('a', 2)]);
    c.write([row('b', 3)]);
    await first;
    await c.seal(2, []);
    c.commit(1);
    expect(rowsOf(target()).map((r) => r.time)).toEqual([1, 2]);
    c.commit(2);
    expect(rowsOf(target()).map((r) => r.time)).toEqual([1, 2, 3]);
    await c.seal(3, []); // nothing since the last barrier
  });

  it('keeps what a seal staged across a reopen that restored it, and drops what came after', async () => {
    const store = openStore();
    const c = table(store, target(), 'append');
    await c.seal(1, [row('a', 1)]);
    c.write([row('a', 2)]);
    await c.seal(2, []);
    c.close();
    const again = new SqliteTableCommitter({
      store,
      operatorId: 'sink-op',
      path: target(),
      table: 'results',
      mode: 'append',
      discardStagedAfter: 1,
    });
    closers.push(again);
    again.commit(2);
    expect(rowsOf(target()).map((r) => r.time)).toEqual([1]);
  });
});
