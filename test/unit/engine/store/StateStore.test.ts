import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../../engine/contract/operator.js';
import { StateStore, RETAINED_CHECKPOINTS, type SnapshotInput } from '../../../../engine/store/StateStore.js';
import { CheckpointWriteError, CorruptStateError } from '../../../../engine/store/storeErrors.js';
import { decodeState, encodeState } from '../../../../engine/store/stateCodec.js';
import { SCHEMA_VERSION } from '../../../../engine/store/migrations.js';

let dir: string;
let dbPath: string;
const open: StateStore[] = [];

function openStore(options: Parameters<typeof StateStore.open>[1] = {}): StateStore {
  const store = StateStore.open(dbPath, options);
  open.push(store);
  return store;
}

function snapshot(nodeId: string, state: unknown, instance = 0): SnapshotInput {
  return {
    operatorId: `op-${nodeId}`,
    instance,
    nodeId,
    type: 'aggregate',
    configHash: 'h1',
    state: encodeState(state),
  };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-store-'));
  dbPath = path.join(dir, '.sluice', 'graph.db');
});

afterEach(() => {
  for (const s of open.splice(0)) s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('StateStore', () => {
  it('creates its folder and a WAL database with synchronous FULL at the current schema version', () => {
    const store = openStore();
    expect(fs.existsSync(dbPath)).toBe(true);
    expect(store.connection.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.connection.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(store.connection.pragma('page_size', { simple: true })).toBe(65536);
    expect(Number(store.connection.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
    const version = store.connection.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as {
      value: string;
    };
    expect(Number(version.value)).toBe(SCHEMA_VERSION);
    const tables = (
      store.connection.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>
    ).map((t) => t.name);
    expect(tables).toEqual(
      expect.arrayContaining(['meta', 'checkpoints', 'snapshots', 'sink_commits', 'dead_letters']),
    );
  });

  it('round-trips a checkpoint with every operator instance and reports its size', () => {
    const store = openStore();
    expect(store.latestCheckpoint()).toBeNull();
    expect(store.nextCheckpointId()).toBe(1);
    const snaps = [snapshot('agg', { k1: 3 }, 0), snapshot('agg', { k2: 5 }, 1), snapshot('gen', { offset: 42 })];
    const written = store.writeCheckpoint({ id: 1, startedAt: Date.now() - 5, snapshots: snaps });
    expect(written.bytes).toBe(snaps.reduce((n, s) => n + s.state.byteLength, 0));
    expect(written.durationMs).toBeGreaterThanOrEqual(5);
    store.close();

    const again = openStore();
    expect(again.nextCheckpointId()).toBe(2);
    const latest = again.latestCheckpoint()!;
    expect(latest.id).toBe(1);
    const agg = latest.snapshots.get('op-agg')!;
    expect(agg.nodeId).toBe('agg');
    expect(agg.type).toBe('aggregate');
    expect(agg.configHash).toBe('h1');
    expect(agg.states.map(decodeState)).toEqual([{ k1: 3 }, { k2: 5 }]);
    expect(decodeState(latest.snapshots.get('op-gen')!.states[0]!)).toEqual({ offset: 42 });
  });

  it('refuses a checkpoint id that is not newer than the stored one', () => {
    const store = openStore();
    store.writeCheckpoint({ id: 4, startedAt: Date.now(), snapshots: [snapshot('a', 1)] });
    expect(() => store.writeCheckpoint({ id: 4, startedAt: Date.now(), snapshots: [] })).toThrow(/not newer/);
    expect(store.latestCheckpoint()!.id).toBe(4);
  });

  it('lists checkpoints oldest first with per-node state sizes summed over instances', () => {
    const store = openStore();
    const a0 = snapshot('agg', 'x'.repeat(100), 0);
    const a1 = snapshot('agg', 'y'.repeat(50), 1);
    const g = snapshot('gen', 7);
    store.writeCheckpoint({ id: 1, startedAt: 1000, snapshots: [a0, a1, g] });
    store.writeCheckpoint({ id: 2, startedAt: 2000, snapshots: [g] });
    const list = store.listCheckpoints();
    expect(list.map((c) => c.id)).toEqual([1, 2]);
    expect(list[0]!.nodes).toEqual({ agg: a0.state.byteLength + a1.state.byteLength, gen: g.state.byteLength });
    expect(list[0]!.bytes).toBe(a0.state.byteLength + a1.state.byteLength + g.state.byteLength);
    expect(list[0]!.startedAt).toBe(1000);
    expect(list[0]!.completedAt).not.toBeNull();
  });

  it(`keeps snapshot blobs only for the last ${RETAINED_CHECKPOINTS} checkpoints but the sizes of all`, () => {
    const store = openStore();
    for (let id = 1; id <= 6; id++)
      store.writeCheckpoint({ id, startedAt: Date.now(), snapshots: [snapshot('agg', { id })] });
    const kept = store.connection
      .prepare(`SELECT checkpoint_id FROM snapshots WHERE state IS NOT NULL ORDER BY checkpoint_id`)
      .all() as Array<{ checkpoint_id: number }>;
    expect(kept.map((r) => r.checkpoint_id)).toEqual([4, 5, 6]);
    expect(store.listCheckpoints()).toHaveLength(6);
    expect(store.listCheckpoints()[0]!.nodes['agg']).toBeGreaterThan(0);
    expect(decodeState(store.latestCheckpoint()!.snapshots.get('op-agg')!.states[0]!)).toEqual({ id: 6 });
  });

  it('reports a byte flipped in a stored snapshot as CorruptStateError naming the checkpoint and node', () => {
    const store = openStore();
    const marker = 'MARKER-'.repeat(200);
    store.writeCheckpoint({
      id: 1,
      startedAt: Date.now(),
      snapshots: [snapshot('gen', 1), snapshot('agg', { marker })],
    });
    store.close(); // checkpoints the WAL into the main file

    const bytes = fs.readFileSync(dbPath);
    const at = bytes.indexOf('MARKER-MARKER-');
    expect(at).toBeGreaterThan(0);
    bytes[at + 3]! ^= 0x01;
    fs.writeFileSync(dbPath, bytes);

    const damaged = openStore();
    let error: unknown;
    try {
      damaged.latestCheckpoint();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CorruptStateError);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/checkpoint 1, node agg/);
    expect((error as Error).message).toMatch(/--fresh/);
  });

  it('reports a snapshot whose blob was replaced as corrupt, never as an empty store', () => {
    const store = openStore();
    store.writeCheckpoint({ id: 1, startedAt: Date.now(), snapshots: [snapshot('agg', { a: 1 })] });
    store.connection.prepare(`UPDATE snapshots SET state = ?`).run(encodeState({ a: 2 }));
    expect(() => store.latestCheckpoint()).toThrow(CorruptStateError);
  });

  it('fails a checkpoint cleanly on a full disk and keeps the previous one, then writes once space is back', () => {
    const store = openStore();
    store.writeCheckpoint({ id: 1, startedAt: Date.now(), snapshots: [snapshot('agg', { n: 1 })] });
    // SQLite answers SQLITE_FULL when the database would grow past max_page_count: the same
    // code path as a full disk.
    const pages = Number(store.connection.pragma('page_count', { simple: true }));
    store.connection.pragma(`max_page_count = ${pages + 2}`);
    const big = snapshot('agg', 'z'.repeat(1_000_000));
    let error: unknown;
    try {
      store.writeCheckpoint({ id: 2, startedAt: Date.now(), snapshots: [big], deadLetters: [deadLetter('agg')] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CheckpointWriteError);
    expect((error as CheckpointWriteError).code).toBe('SQLITE_FULL');
    expect((error as CheckpointWriteError).retryable).toBe(true);
    expect((error as Error).message).toBe(
      `checkpoint 2 could not be written to state store ${dbPath}: the disk is full (SQLITE_FULL); checkpoint 1 is still the latest`,
    );
    const latest = store.latestCheckpoint()!;
    expect(latest.id).toBe(1);
    expect(decodeState(latest.snapshots.get('op-agg')!.states[0]!)).toEqual({ n: 1 });
    expect(store.listCheckpoints().map((c) => c.id)).toEqual([1]);
    expect(store.listDeadLetters()).toEqual([]);
    expect(store.nextCheckpointId()).toBe(2);

    store.connection.pragma('max_page_count = 1073741823');
    store.writeCheckpoint({ id: 2, startedAt: Date.now(), snapshots: [big] });
    expect(store.latestCheckpoint()!.id).toBe(2);
    expect(store.integrityCheck()).toEqual([]);
  });

  it('rolls back every part of a checkpoint when one snapshot insert fails', () => {
    const store = openStore();
    store.writeCheckpoint({ id: 1, startedAt: Date.now(), snapshots: [snapshot('agg', 1)] });
    store.connection.exec(`CREATE TEMP TRIGGER fail_io BEFORE INSERT ON snapshots WHEN NEW.node_id = 'boom'
      BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END`);
    expect(() =>
      store.writeCheckpoint({ id: 2, startedAt: Date.now(), snapshots: [snapshot('agg', 2), snapshot('boom', 3)] }),
    ).toThrow(CheckpointWriteError);
    expect(store.listCheckpoints().map((c) => c.id)).toEqual([1]);
    const rows = store.connection.prepare(`SELECT COUNT(*) AS n FROM snapshots WHERE checkpoint_id = 2`).get() as {
      n: number;
    };
    expect(rows.n).toBe(0);
  });

  it('stores dead letters with node, error, event, time and attempts, oldest first', () => {
    const store = openStore();
    store.addDeadLetters([
      deadLetter('fn', 'TypeError: x is undefined', 100),
      { ...deadLetter('fn', 'loop', 200), attempts: 3 },
    ]);
    store.writeCheckpoint({
      id: 1,
      startedAt: Date.now(),
      snapshots: [],
      deadLetters: [deadLetter('map', 'bad', 300)],
    });
    const letters = store.listDeadLetters();
    expect(letters.map((d) => [d.id, d.nodeId, d.error, d.time, d.attempts])).toEqual([
      [1, 'fn', 'TypeError: x is undefined', 100, 1],
      [2, 'fn', 'loop', 200, 3],
      [3, 'map', 'bad', 300, 1],
    ]);
    expect(letters[0]!.event).toEqual({ id: 'e1', key: 'k1', time: 5, value: { a: [1, 2] } });
    expect(store.listDeadLetters({ limit: 2 }).map((d) => d.id)).toEqual([2, 3]);
  });

  it('keeps the last commit per sink', () => {
    const store = openStore();
    expect(store.lastSinkCommit('sink')).toBeNull();
    store.recordSinkCommit('sink', 1, { length: 10 });
    store.recordSinkCommit('sink', 2, { length: 25 });
    expect(store.lastSinkCommit('sink')).toMatchObject({ checkpointId: 2, info: { length: 25 } });
  });

  it('discards all state when opened fresh, also when the file is not a database', () => {
    const store = openStore();
    store.writeCheckpoint({ id: 1, startedAt: Date.now(), snapshots: [snapshot('agg', 1)] });
    const firstId = store.storeId;
    store.close();
    const fresh = openStore({ fresh: true });
    expect(fresh.latestCheckpoint()).toBeNull();
    expect(fresh.storeId).not.toBe(firstId);
    fresh.close();

    fs.writeFileSync(dbPath, 'this is not sqlite, just some garbage text that is long enough'.repeat(100));
    expect(() => openStore()).toThrow(CorruptStateError);
    expect(openStore({ fresh: true }).latestCheckpoint()).toBeNull();
  });

  it('refuses a store written by a newer Sluice with a clear message', () => {
    openStore().close();
    const raw = new BetterSqlite3(dbPath);
    raw.prepare(`UPDATE meta SET value = '99' WHERE key = 'schema_version'`).run();
    raw.close();
    expect(() => openStore()).toThrow(
      `state store ${dbPath} was written by a newer Sluice (schema version 99; this Sluice knows up to ${SCHEMA_VERSION}); update Sluice or use another --state`,
    );
    expect(() => openStore({ readonly: true })).toThrow(/newer Sluice/);
  });

  it('refuses a SQLite database of another program instead of adding tables to it', () => {
    fs.mkdirSync(path.dirname(dbPath), { recursive: true });
    const raw = new BetterSqlite3(dbPath);
    raw.exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)`);
    raw.close();
    expect(() => openStore()).toThrow(/another program, not a Sluice state store/);
  });

  it('opens read-only without the lock while a run holds the store, and refuses writes', () => {
    const run = openStore();
    run.writeCheckpoint({ id: 1, startedAt: Date.now(), snapshots: [snapshot('agg', 1)] });
    const reader = openStore({ readonly: true });
    expect(reader.listCheckpoints().map((c) => c.id)).toEqual([1]);
    expect(() => reader.recordSinkCommit('x', 1, {})).toThrow(/read-only/);
    expect(() => openStore({ readonly: true, fresh: true }).close()).not.toThrow();
  });

  it('refuses a read-only open of a store that does not exist', () => {
    expect(() => openStore({ readonly: true })).toThrow(`state store ${dbPath} does not exist`);
    expect(fs.existsSync(dbPath)).toBe(false);
  });

  it('lets a worker attach to the store its own process holds, and nobody else', () => {
    expect(() => openStore({ attach: true })).toThrow(/not open in this process/);
    const run = openStore();
    const worker = openStore({ attach: true });
    worker.recordSinkCommit('sink', 3, { length: 1 });
    expect(run.lastSinkCommit('sink')?.checkpointId).toBe(3);
    worker.close();
    expect(fs.existsSync(`${dbPath}.lock`)).toBe(true); // the attached connection never owned it
  });

  it('passes PRAGMA integrity_check after many checkpoints and prunes', () => {
    const store = openStore();
    for (let id = 1; id <= 20; id++) {
      store.writeCheckpoint({
        id,
        startedAt: Date.now(),
        snapshots: [snapshot('agg', 'v'.repeat(10_000 * (id % 4))), snapshot('gen', id)],
      });
    }
    expect(store.integrityCheck()).toEqual([]);
  });
});

function deadLetter(nodeId: string, error = 'boom', time = 1) {
  return { nodeId, error, time, event: { id: 'e1', key: 'k1', time: 5, value: { a: [1, 2] } } };
}

describe('StateStore evidence of a damaged file', () => {
  it('reports an existing store file without its schema as damaged, and writes nothing to it', () => {
    // Sluice makes a new store whole and renames it into place, so such a file is never its own.
    fs.mkdirSync(path.dirname(dbPath), { recursive: true });
    fs.writeFileSync(dbPath, '');
    expect(() => openStore()).toThrow(CorruptStateError);
    expect(() => openStore()).toThrow(`state store ${dbPath} is empty (0 bytes): it was truncated or replaced`);
    expect(fs.statSync(dbPath).size).toBe(0);
    const raw = new BetterSqlite3(dbPath);
    raw.pragma('user_version = 1');
    raw.close();
    expect(() => openStore()).toThrow(/holds no Sluice state \(\d+ bytes, no schema\)/);
    expect(openStore({ fresh: true }).createdFresh).toBe(true);
  });

  it('reports a write-ahead log without its database instead of starting a new store', () => {
    fs.mkdirSync(path.dirname(dbPath), { recursive: true });
    fs.writeFileSync(`${dbPath}-wal`, 'x'.repeat(100));
    expect(() => openStore()).toThrow(/is missing but its write-ahead log .* is there/);
    expect(fs.existsSync(dbPath)).toBe(false);
  });

  it('creates a new store with its lineage, and none half-made beside it', () => {
    const store = openStore();
    expect(store.createdFresh).toBe(false);
    expect(store.storeId).toMatch(/^[0-9a-f-]{36}$/);
    expect(fs.readdirSync(path.dirname(dbPath)).filter((f) => f.includes('.new-'))).toEqual([]);
  });
});
