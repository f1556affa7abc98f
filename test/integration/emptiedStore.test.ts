/**
 * Issue 10, fault 5 (SPEC §6: "a corrupt state store is reported, never silently replaced by a
 * fresh start"): a 0-byte state DB, or a deleted or flipped `-wal` of a killed store, started
 * from scratch with no message, and a `sink.sqlite` append table then held 65,846 rows twice. A
 * store that sinks have committed into but that has no checkpoints left is damaged, not new:
 * the evidence is in the sinks (the file's owner mark and committed length, the table's commit
 * rows). Each case: the next `run` exits non-zero with one line naming the state store, leaves
 * the sinks as they were, and `--fresh` is the way out.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLI,
  changelogByKey,
  computedDifferences,
  linesOf,
  readTotals,
  runCli,
  standardPipeline,
  writeGraph,
  type TotalRow,
} from './sluiceCli.js';

const COUNT = 40_000;
const KEYS = 50;

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-emptied-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface Sinks {
  changelogSha: string;
  changelogBytes: number;
  changelogMtime: number;
  totals: TotalRow[];
}

function sinksOf(dir: string): Sinks {
  const file = path.join(dir, 'out', 'changelog.jsonl');
  const bytes = fs.readFileSync(file);
  return {
    changelogSha: crypto.createHash('sha256').update(bytes).digest('hex'),
    changelogBytes: bytes.length,
    changelogMtime: fs.statSync(file).mtimeMs,
    totals: readTotals(path.join(dir, 'out', 'totals.db')),
  };
}

interface Run {
  dir: string;
  graph: string;
  state: string;
}

function setUp(name: string, mode: 'upsert' | 'append' = 'upsert'): Run {
  const dir = path.join(root, name);
  const pipeline = standardPipeline({
    count: COUNT,
    ratePerSec: 20_000,
    keys: KEYS,
    checkpointIntervalMs: 200,
    totalsDb: 'out/totals.db',
  }) as { nodes: Array<{ id: string; config: Record<string, unknown> }> };
  pipeline.nodes.find((n) => n.id === 'latest')!.config['mode'] = mode;
  return { dir, graph: writeGraph(dir, pipeline), state: path.join(dir, 'state.db') };
}

/** ~1.2 s of a ~2 s run, stopped with its final checkpoint: the store closes cleanly. */
async function stoppedRun(r: Run): Promise<Sinks> {
  const run = await runCli(['run', r.graph, '--state', r.state, '--duration', '1200'], {
    cwd: r.dir,
    timeoutMs: 30_000,
  });
  expect(run.code, run.stderr).toBe(0);
  const before = sinksOf(r.dir);
  expect(before.changelogBytes).toBeGreaterThan(0);
  return before;
}

/**
 * A run killed with SIGKILL part-way, 300 ms after both sinks first committed: its WAL stays,
 * holding everything since the store was made.
 */
async function killedRun(r: Run): Promise<void> {
  const child = spawn(process.execPath, [CLI, 'run', r.graph, '--state', r.state], {
    cwd: r.dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const changelog = path.join(r.dir, 'out', 'changelog.jsonl');
  const deadline = Date.now() + 30_000;
  // The file grows only by commits; the table's commit rows say it committed too.
  while (
    !(fs.existsSync(changelog) && fs.statSync(changelog).size > 0) ||
    !hasCommitRows(path.join(r.dir, 'out', 'totals.db'))
  ) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the run ended or stalled: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  child.kill('SIGKILL');
  await exited;
  expect(fs.statSync(`${r.state}-wal`).size).toBeGreaterThan(0);
  expect(fs.statSync(path.join(r.dir, 'out', 'changelog.jsonl')).size).toBeGreaterThan(0);
}

function hasCommitRows(db: string): boolean {
  if (!fs.existsSync(db)) return false;
  try {
    const conn = new BetterSqlite3(db, { readonly: true, fileMustExist: true });
    try {
      return (conn.prepare(`SELECT COUNT(*) AS n FROM _sluice_commits`).get() as { n: number }).n > 0;
    } finally {
      conn.close();
    }
  } catch {
    return false;
  }
}

/** The next run must refuse in one line naming the store, and leave the sinks as they were. */
async function expectRefused(r: Run, before: Sinks, message: RegExp): Promise<void> {
  const run = await runCli(['run', r.graph, '--state', r.state], { cwd: r.dir, timeoutMs: 30_000 });
  expect(run.code).not.toBe(0);
  expect(run.code).not.toBeNull();
  // A store that still has checkpoints says where it resumes from before the refusal.
  const lines = linesOf(run.stderr).filter((l) => !/^resuming from checkpoint \d+ in /.test(l));
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(lines[0]).toContain(r.state);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(sinksOf(r.dir), run.stderr).toEqual(before);
}

async function expectFreshRecovers(r: Run): Promise<void> {
  const fresh = await runCli(['run', r.graph, '--state', r.state, '--fresh'], { cwd: r.dir, timeoutMs: 30_000 });
  expect(fresh.code, fresh.stderr).toBe(0);
  expect(computedDifferences(changelogByKey(path.join(r.dir, 'out', 'changelog.jsonl')), COUNT, KEYS)).toEqual([]);
}

describe('a state store emptied behind Sluice’s back', () => {
  it('a 0-byte state DB is reported as empty, not taken for a new store', async () => {
    const r = setUp('zero-bytes');
    const before = await stoppedRun(r);
    fs.truncateSync(r.state, 0);
    await expectRefused(r, before, /state store .* is empty \(0 bytes\)/);
    await expectFreshRecovers(r);
  }, 90_000);

  it('a 0-byte state DB beside an append table: refused, so no row is written twice', async () => {
    const r = setUp('zero-bytes-append', 'append');
    const before = await stoppedRun(r);
    fs.truncateSync(r.state, 0);
    await expectRefused(r, before, /is empty \(0 bytes\)/);
  }, 90_000);

  it('the deleted -wal of a killed store: the sinks show what it committed, so it is refused', async () => {
    const r = setUp('deleted-wal');
    await killedRun(r);
    fs.rmSync(`${r.state}-wal`);
    await expectRefused(r, sinksOf(r.dir), /state store .* (has lost|has no record)/);
    await expectFreshRecovers(r);
  }, 90_000);

  it('a flipped -wal of a killed store (SQLite drops its frames): refused, not started over', async () => {
    const r = setUp('flipped-wal');
    await killedRun(r);
    // A byte of the first frame's page: its checksum fails, and SQLite ignores it and all after.
    const fd = fs.openSync(`${r.state}-wal`, 'r+');
    const byte = Buffer.alloc(1);
    fs.readSync(fd, byte, 0, 1, 32 + 24 + 100);
    byte[0]! ^= 0xff;
    fs.writeSync(fd, byte, 0, 1, 32 + 24 + 100);
    fs.closeSync(fd);
    await expectRefused(r, sinksOf(r.dir), /state store .* (has lost|has no record|holds no Sluice state)/);
    await expectFreshRecovers(r);
  }, 90_000);

  it('a deleted state store beside sinks it committed into: refused, naming the missing store', async () => {
    const r = setUp('deleted-store', 'append');
    const before = await stoppedRun(r);
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(r.state + suffix, { force: true });
    await expectRefused(r, before, /committed with another state store, but state store .* has no checkpoints/);
    // --fresh accepts starting over: the file is rewritten, the rows already there stay.
    await expectFreshRecovers(r);
  }, 90_000);

  it('a store with checkpoints whose external table shows a newer commit: refused as having lost checkpoints', async () => {
    const r = setUp('table-ahead');
    const before = await stoppedRun(r);
    const db = new BetterSqlite3(path.join(r.dir, 'out', 'totals.db'));
    db.prepare(`UPDATE _sluice_commits SET checkpoint_id = checkpoint_id + 50`).run();
    db.close();
    await expectRefused(
      r,
      before,
      /state store .* has lost checkpoints: table totals .* checkpoint \d+, but it can restore only checkpoint \d+/,
    );
  }, 90_000);
});
