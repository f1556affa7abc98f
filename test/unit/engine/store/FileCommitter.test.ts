import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../../engine/contract/operator.js';
import { FileCommitter } from '../../../../engine/store/FileCommitter.js';
import { StateStore } from '../../../../engine/store/StateStore.js';

let dir: string;
let dbPath: string;
let outPath: string;
const closers: Array<{ close(): void }> = [];

function openStore(options: { fresh?: boolean } = {}): StateStore {
  const store = StateStore.open(dbPath, options);
  closers.push(store);
  return store;
}

function committer(store: StateStore, file = outPath): FileCommitter {
  const c = new FileCommitter(store, 'sink-op', file);
  closers.push(c);
  return c;
}

const read = (file = outPath) => fs.readFileSync(file, 'utf8');

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-file-'));
  dbPath = path.join(dir, '.sluice', 'g.db');
  outPath = path.join(dir, 'out', 'results.jsonl');
});

afterEach(() => {
  for (const c of closers.splice(0).reverse()) c.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('FileCommitter', () => {
  it('creates the file (and its folder) on open and appends each commit as lines', () => {
    const store = openStore();
    const c = committer(store);
    expect(read()).toBe('');
    c.commit(1, ['{"a":1}', '{"a":2}']);
    c.commit(2, ['{"a":3}']);
    expect(read()).toBe('{"a":1}\n{"a":2}\n{"a":3}\n');
    expect(store.lastSinkCommit('sink-op')).toMatchObject({
      checkpointId: 2,
      info: { length: Buffer.byteLength(read()) },
    });
  });

  it('writes a checkpoint committed twice only once, also after a reopen', () => {
    const store = openStore();
    const c = committer(store);
    c.commit(1, ['one']);
    c.commit(1, ['one']);
    c.commit(2, ['two']);
    c.commit(1, ['one']);
    c.close();
    const again = committer(store);
    expect(again.lastCommittedCheckpoint).toBe(2);
    again.commit(2, ['two']);
    again.commit(3, ['three']);
    expect(read()).toBe('one\ntwo\nthree\n');
  });

  it('cuts off an append whose record did not land (crash after append, before record) and recommits it once', () => {
    let store = openStore();
    const c = committer(store);
    c.commit(1, ['one']);
    // The crash: the store's connection goes away between the fsynced append and the record.
    store.close();
    expect(() => c.commit(2, ['two'])).toThrow();
    expect(read()).toBe('one\ntwo\n');
    c.close();

    store = openStore();
    const recovered = committer(store);
    expect(read()).toBe('one\n');
    recovered.commit(2, ['two']);
    expect(read()).toBe('one\ntwo\n');
  });

  it('cuts off a torn partial line left by a crash mid-write', () => {
    const store = openStore();
    committer(store).commit(1, ['{"complete":true}']);
    fs.appendFileSync(outPath, '{"torn":');
    const recovered = committer(store);
    expect(read()).toBe('{"complete":true}\n');
    recovered.commit(2, ['{"next":1}']);
    expect(read()).toBe('{"complete":true}\n{"next":1}\n');
  });

  it('keeps the committed lines after a crash after the record, and skips the recommit', () => {
    const store = openStore();
    committer(store).commit(1, ['one']); // not closed: the "crash"
    const recovered = committer(store);
    recovered.commit(1, ['one']);
    expect(read()).toBe('one\n');
  });

  it('starts the file empty when the store has no record of it (first run or --fresh)', () => {
    fs.mkdirSync(path.dirname(outPath), { recursive: true });
    fs.writeFileSync(outPath, 'old output\n');
    const store = openStore();
    committer(store).commit(1, ['a']);
    closers
      .splice(0)
      .reverse()
      .forEach((c) => c.close());
    const fresh = openStore({ fresh: true });
    const c = committer(fresh);
    expect(read()).toBe('');
    c.commit(1, ['b']);
    expect(read()).toBe('b\n');
  });

  it('refuses a file that is shorter than what was committed, naming the file', () => {
    const store = openStore();
    const c = committer(store);
    c.commit(1, ['a long committed line']);
    c.close();
    fs.writeFileSync(outPath, 'x\n');
    expect(() => committer(store)).toThrow(UserError);
    expect(() => committer(store)).toThrow(new RegExp(`sink file ${outPath} is shorter \\(2 bytes\\)`));
  });

  it('records nothing for an empty commit', () => {
    const store = openStore();
    committer(store).commit(1, []);
    expect(store.lastSinkCommit('sink-op')).toBeNull();
  });

  it('keeps the state store sound through commits (PRAGMA integrity_check)', () => {
    const store = openStore();
    const c = committer(store);
    for (let id = 1; id <= 50; id++) c.commit(id, [`line ${id}`]);
    expect(read().split('\n')).toHaveLength(51);
    expect(store.integrityCheck()).toEqual([]);
  });
});

describe('FileCommitter and SqliteTableCommitter under SIGKILL', () => {
  it('hold every checkpoint exactly once after a sink is killed at random moments and rerun', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const BetterSqlite3 = (await import('better-sqlite3')).default;
    const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crashChild.ts');
    const other = path.join(dir, 'other.db');
    const total = 400;
    // Seeded (mulberry32), so a failure can be replayed.
    let seed = 0x5eed;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    let kills = 0;
    let done = false;
    for (let attempt = 0; attempt < 40 && !done; attempt++) {
      const proc = spawn(process.execPath, ['--import', 'tsx', child, dbPath, outPath, other, String(total)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let timer: NodeJS.Timeout | undefined;
      proc.stdout.on('data', (d) => {
        stdout += String(d);
        // Kill a few ms into the commit loop (each commit fsyncs three times, about 5-15 ms).
        if (stdout.startsWith('ready') && !timer && kills < 6)
          timer = setTimeout(() => proc.kill('SIGKILL'), random() * 150);
      });
      proc.stderr.on('data', (d) => (stderr += String(d)));
      const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
        proc.on('exit', (_code, sig) => resolve(sig)),
      );
      clearTimeout(timer);
      if (signal === 'SIGKILL') kills++;
      else if (stdout.includes('done')) done = true;
      else throw new Error(`child failed: ${stderr}`);
    }
    expect(done).toBe(true);
    expect(kills).toBeGreaterThanOrEqual(5);
    const expected = Array.from({ length: total }, (_, i) => JSON.stringify({ cp: i + 1 }));
    expect(read().split('\n').slice(0, -1)).toEqual(expected);
    for (const db of [dbPath, other]) {
      const conn = new BetterSqlite3(db, { readonly: true });
      const values = (conn.prepare(`SELECT value FROM out ORDER BY rowid`).all() as Array<{ value: string }>).map(
        (r) => r.value,
      );
      expect(values).toEqual(expected);
      expect(conn.pragma('integrity_check', { simple: true })).toBe('ok');
      conn.close();
    }
  }, 120_000);
});

describe('FileCommitter staging (two-phase commit)', () => {
  it('keeps staged lines invisible until the commit, and commits every staged checkpoint up to the id in order', () => {
    const { store, path: file } = setupStaging();
    const c = new FileCommitter(store, 'op', file, 0);
    c.stage(1, ['a']);
    c.stage(2, ['b', 'c']);
    c.stage(3, ['d']);
    expect(fs.readFileSync(file, 'utf8')).toBe('');
    c.commit(2);
    expect(fs.readFileSync(file, 'utf8')).toBe('a\nb\nc\n');
    c.commit(2);
    c.commit(3);
    expect(fs.readFileSync(file, 'utf8')).toBe('a\nb\nc\nd\n');
    c.close();
  });

  it('commits after a crash what a completed checkpoint staged, and drops what a later, incomplete one staged', () => {
    const { store, path: file } = setupStaging();
    const a = new FileCommitter(store, 'op', file, 0);
    a.stage(1, ['one']);
    a.stage(2, ['two']);
    a.close(); // crash: checkpoint 1 completed, 2 did not, nothing committed
    const b = new FileCommitter(store, 'op', file, 1);
    b.commit(1);
    b.stage(2, ['two again']);
    b.commit(2);
    expect(fs.readFileSync(file, 'utf8')).toBe('one\ntwo again\n');
    b.close();
  });
});

function setupStaging(): { store: StateStore; path: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-stage-'));
  const store = StateStore.open(path.join(dir, 'state.db'));
  return { store, path: path.join(dir, 'out', 'o.jsonl') };
}

describe('FileCommitter open staging segment', () => {
  it('seals what was written since the last barrier into the checkpoint, and drops it if no barrier came before a crash', () => {
    const { store, path: file } = setupStaging();
    const a = new FileCommitter(store, 'op', file, 0);
    a.write(['w1', 'w2']);
    a.stage(1, ['s1']);
    a.write(['after the barrier']);
    a.close(); // crash: checkpoint 1 completed; the last write belongs to no completed checkpoint
    const b = new FileCommitter(store, 'op', file, 1);
    b.commit(1);
    expect(fs.readFileSync(file, 'utf8')).toBe('w1\nw2\ns1\n');
    b.write(['next']);
    b.stage(2, []);
    b.commit(2);
    expect(fs.readFileSync(file, 'utf8')).toBe('w1\nw2\ns1\nnext\n');
    b.close();
  });
});

describe('FileCommitter evidence of a store that lost its commits', () => {
  it('refuses, before touching the file, when the store lost the record of what it committed', () => {
    const store = openStore();
    const a = new FileCommitter(store, 'op', outPath, 0);
    a.commit(1, ['one', 'two']);
    a.close();
    // What a deleted -wal does: the record is gone, the file and its owner mark are not.
    store.connection.prepare(`DELETE FROM sink_commits`).run();
    const before = fs.statSync(outPath);
    expect(() => new FileCommitter(store, 'op', outPath, 0)).toThrow(
      new RegExp(`state store ${dbPath} has no record of the 8 bytes it committed to sink file ${outPath}`),
    );
    expect(read()).toBe('one\ntwo\n');
    expect(fs.statSync(outPath).mtimeMs).toBe(before.mtimeMs);
  });

  it('refuses a record newer than the checkpoint the run restored', () => {
    const store = openStore();
    const a = new FileCommitter(store, 'op', outPath, 0);
    a.commit(3, ['x']);
    a.close();
    expect(() => new FileCommitter(store, 'op', outPath, 2)).toThrow(
      /has lost checkpoints: .* up to checkpoint 3, but can restore only checkpoint 2/,
    );
  });

  it('refuses a file another store committed into when a new store restores nothing, and takes it over after --fresh', () => {
    const first = openStore();
    new FileCommitter(first, 'op', outPath, 0).commit(1, ['old']);
    first.close();
    fs.rmSync(dbPath);
    const second = openStore();
    expect(() => new FileCommitter(second, 'op', outPath, 0)).toThrow(
      /committed with another state store, but state store .* has no checkpoints/,
    );
    second.close();
    const fresh = openStore({ fresh: true });
    const c = new FileCommitter(fresh, 'op', outPath, 0);
    closers.push(c);
    expect(read()).toBe('');
  });

  it('starts a file Sluice never committed into over, as before', () => {
    fs.mkdirSync(path.dirname(outPath), { recursive: true });
    fs.writeFileSync(outPath, 'not ours\n');
    const c = new FileCommitter(openStore(), 'op', outPath, 0);
    closers.push(c);
    expect(read()).toBe('');
  });
});

describe('FileCommitter.seal (fsync off the thread)', () => {
  it('sets a checkpoint aside at once; output after it goes to the next segment; commits keep the order', async () => {
    const store = openStore();
    const c = committer(store);
    c.write(['a', 'b']);
    const sealed = c.seal(1, ['c']);
    // Renamed at once: the next write opens a new segment while the fsync runs.
    c.write(['d']);
    const staging = path.join(dir, 'out', '.results.jsonl.sluice-staged');
    expect(fs.readFileSync(path.join(staging, '1'), 'utf8')).toBe('a\nb\nc\n');
    await sealed;
    await c.seal(2, []);
    c.commit(1);
    expect(read()).toBe('a\nb\nc\n');
    c.commit(2);
    expect(read()).toBe('a\nb\nc\nd\n');
  });

  it('resolves with nothing to seal, and drops output of a checkpoint already committed', async () => {
    const store = openStore();
    const c = committer(store);
    await c.seal(1, []);
    c.commit(1, ['one']);
    c.write(['late']);
    await c.seal(1, []);
    c.commit(2);
    expect(read()).toBe('one\n');
  });

  it('keeps a sealed checkpoint across a reopen that restored it, and drops one after it', async () => {
    const store = openStore();
    const c = committer(store);
    await c.seal(1, ['one']);
    await c.seal(2, ['two']);
    c.close();
    const again = new FileCommitter(store, 'sink-op', outPath, 1);
    closers.push(again);
    again.commit(1);
    again.commit(2);
    expect(read()).toBe('one\n');
  });
});

describe('FileCommitter.commitInBackground (I/O off the thread)', () => {
  it('appends, fsyncs and records each checkpoint once, in order after the seals', async () => {
    const store = openStore();
    const c = committer(store);
    void c.seal(1, ['a']);
    void c.seal(2, ['b']);
    const first = c.commitInBackground(1);
    const second = c.commitInBackground(2);
    const again = c.commitInBackground(2);
    await Promise.all([first, second, again]);
    expect(read()).toBe('a\nb\n');
    expect(store.lastSinkCommit('sink-op')).toMatchObject({ checkpointId: 2, info: { length: 4 } });
    expect(
      fs.readdirSync(path.join(dir, 'out', '.results.jsonl.sluice-staged')).filter((n) => n !== 'owner.json'),
    ).toEqual([]);
  });

  it('stops at a close before the record, and the next open recommits the checkpoint once', async () => {
    const store = openStore();
    const c = committer(store);
    await c.seal(1, ['one']);
    const pending = c.commitInBackground(1);
    c.close();
    await pending;
    const again = new FileCommitter(store, 'sink-op', outPath, 1);
    closers.push(again);
    await again.commitInBackground(1);
    expect(read()).toBe('one\n');
  });
});
