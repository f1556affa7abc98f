/**
 * SPEC §6: "a corrupt state store is reported, never silently replaced by a fresh start"
 * (issue 3, item 8). A run stops part-way (--duration: final checkpoint, exit 0); then the
 * stored state is damaged behind Sluice's back; the next `run` must exit non-zero with one line
 * naming the corruption and must not touch the sinks. `--fresh` is the user's way out.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
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
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-corrupt-'));
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

/** A graph stopped after ~1.2 s of a ~2 s run: part of the output is committed, state is stored. */
async function partialRun(name: string): Promise<{ dir: string; graph: string; state: string; before: Sinks }> {
  const dir = path.join(root, name);
  const graph = writeGraph(
    dir,
    standardPipeline({
      count: COUNT,
      ratePerSec: 20_000,
      keys: KEYS,
      checkpointIntervalMs: 200,
      totalsDb: 'out/totals.db',
    }),
  );
  const state = path.join(dir, 'state.db');
  const r = await runCli(['run', graph, '--state', state, '--duration', '1200'], { cwd: dir, timeoutMs: 30_000 });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toMatch(/run stopped/);
  const before = sinksOf(dir);
  expect(before.changelogBytes).toBeGreaterThan(0);
  return { dir, graph, state, before };
}

/** The next run must refuse in one line, leave the sinks as they were, then --fresh recovers. */
async function expectRefusedThenFresh(
  p: { dir: string; graph: string; state: string; before: Sinks },
  message: RegExp,
): Promise<void> {
  const r = await runCli(['run', p.graph, '--state', p.state], { cwd: p.dir, timeoutMs: 30_000 });
  expect(r.code).not.toBe(0);
  expect(r.code).not.toBeNull();
  const lines = linesOf(r.stderr);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(lines[0]).toContain(p.state);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/resuming from checkpoint/);
  // Not started fresh: a fresh start would have truncated the file and written it again.
  expect(sinksOf(p.dir)).toEqual(p.before);

  const fresh = await runCli(['run', p.graph, '--state', p.state, '--fresh'], { cwd: p.dir, timeoutMs: 30_000 });
  expect(fresh.code, fresh.stderr).toBe(0);
  expect(computedDifferences(changelogByKey(path.join(p.dir, 'out', 'changelog.jsonl')), COUNT, KEYS)).toEqual([]);
}

describe('a damaged state store', () => {
  it('flipped bytes in a stored snapshot: the run exits non-zero naming the checksum failure and leaves the sinks as they were', async () => {
    const p = await partialRun('flipped-snapshot');
    const db = new BetterSqlite3(p.state);
    try {
      const row = db
        .prepare(
          `SELECT rowid, state FROM snapshots
           WHERE checkpoint_id = (SELECT MAX(id) FROM checkpoints WHERE completed_at IS NOT NULL) AND node_id = 'totals'`,
        )
        .get() as { rowid: number; state: Buffer };
      expect(row.state.length).toBeGreaterThan(8);
      const damaged = Buffer.from(row.state);
      damaged[damaged.length >> 1]! ^= 0x5a;
      db.prepare(`UPDATE snapshots SET state = ? WHERE rowid = ?`).run(damaged, row.rowid);
    } finally {
      db.close();
    }
    await expectRefusedThenFresh(p, /corrupt.*node totals.*checksum/);
  }, 60_000);

  it('a destroyed database header: the run exits non-zero saying it is not a SQLite database and leaves the sinks as they were', async () => {
    const p = await partialRun('destroyed-header');
    expect(fs.existsSync(`${p.state}-wal`)).toBe(false); // the run closed cleanly: all in the main file
    const fd = fs.openSync(p.state, 'r+');
    fs.writeSync(fd, Buffer.alloc(16, 0xee), 0, 16, 0);
    fs.closeSync(fd);
    await expectRefusedThenFresh(p, /not a SQLite database/);
  }, 60_000);
});
