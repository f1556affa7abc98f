import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerRecord } from '../../../../engine/contract/connector.js';
import { MemoryOutbox, SqliteOutbox } from '../../../../engine/connectors/Outbox.js';
import { StateStore } from '../../../../engine/store/StateStore.js';

const rec = (id: string): BrokerRecord => ({ id, key: null, time: 1, payload: `"${id}"` });
const ids = (rows: Array<{ id: string }>): string[] => rows.map((r) => r.id);

let dir: string | null = null;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = null;
});

function store(): StateStore {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-outbox-'));
  return StateStore.open(path.join(dir, 'state.db'));
}

describe.each([
  ['SqliteOutbox', (s: StateStore) => new SqliteOutbox(s.connection, 'sink-0', 0)],
  ['MemoryOutbox', () => new MemoryOutbox()],
])('%s', (_name, make) => {
  it('hands out only what completed checkpoints staged, in order, until confirmed', () => {
    const s = store();
    const o = make(s);
    o.append([rec('a'), rec('b')]);
    o.stage(1, [rec('c')]);
    o.append([rec('d')]);
    o.stage(2, []);
    o.append([rec('e')]);
    expect(ids(o.next(0, 0, 10))).toEqual([]);
    expect(ids(o.next(1, 0, 10))).toEqual(['a', 'b', 'c']);
    expect(ids(o.next(2, 0, 10))).toEqual(['a', 'b', 'c', 'd']);
    expect(ids(o.next(2, 0, 2))).toEqual(['a', 'b']);
    o.confirm(o.next(2, 0, 2)[1]!.seq);
    expect(ids(o.next(2, 0, 10))).toEqual(['c', 'd']);
    expect(o.size).toBe(3);
    s.close();
  });
});

describe('SqliteOutbox after a restart', () => {
  it('keeps what the restored checkpoint staged and was not confirmed; drops later and unstaged rows', () => {
    const s = store();
    const first = new SqliteOutbox(s.connection, 'sink-0', 0);
    first.stage(1, [rec('a'), rec('b')]);
    first.stage(2, [rec('c')]);
    first.stage(3, [rec('d')]);
    first.append([rec('e')]);
    first.confirm(first.next(1, 0, 1)[0]!.seq);
    // The run restores checkpoint 2: 3 never completed, e was never staged.
    const again = new SqliteOutbox(s.connection, 'sink-0', 2);
    expect(ids(again.next(99, 0, 10))).toEqual(['b', 'c']);
    expect(again.size).toBe(2);
    // Another sink's rows are its own.
    expect(new SqliteOutbox(s.connection, 'sink-1', 2).size).toBe(0);
    s.close();
  });
});
