/**
 * SPEC §6, exactly-once across SIGKILL (issue 3, item 8).
 *
 * The standard pipeline (generator → map → keyed sum → sink.file changelog + sink.sqlite upsert)
 * runs once without interruption: the reference. Then the same graph runs with a fresh state
 * store and is killed with SIGKILL at seeded random moments (200–2500 ms after spawn), rerun
 * after every kill, until a run exits 0. The per-key changelog (lines grouped by key, order
 * within a key) and the final totals must equal the reference exactly; the state database must
 * pass `PRAGMA integrity_check`.
 *
 * A "round" is one such crash-until-done sequence on a fresh state. A run lasts ~6 s, so a round
 * usually takes five or more kills; rounds repeat until the kill budget is spent, so every
 * round is compared and the budget is always met (≥ 5 kills per parallelism here, ≥ 50 with
 * SLUICE_SOAK=1). Environment: SLUICE_CRASH_SEED=<n> replays a schedule (the failure message
 * names the seed), SLUICE_CRASH_VERBOSE=1 prints every round's kill log,
 * SLUICE_KEEP_CRASH_DIRS=1 keeps the run folders for inspection.
 *
 * Variants: parallelism 1, and parallelism 3 for the aggregate behind a map at parallelism 2
 * (each aggregate instance aligns barriers from two inputs); the totals table in its own
 * database (its commit record lives in `_sluice_commits`). A third variant keeps the totals
 * table in the state database (rows and commit record in the store's transaction).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changelogByKey,
  changelogDifferences,
  computedDifferences,
  computedTotals,
  integrityCheck,
  mulberry32,
  readTotals,
  runCli,
  standardPipeline,
  writeGraph,
  type TotalRow,
} from './sluiceCli.js';

const SOAK = process.env['SLUICE_SOAK'] === '1';
const KILLS = SOAK ? 50 : 5;
const SEED = Number(process.env['SLUICE_CRASH_SEED'] ?? 0x51c3);
const COUNT = 60_000;
const KEYS = 50;
const RATE = 10_000;
const MAX_RUNS_PER_ROUND = 40;

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-crash-'));
});
afterAll(() => {
  if (process.env['SLUICE_KEEP_CRASH_DIRS'] !== '1') fs.rmSync(root, { recursive: true, force: true });
});

interface Variant {
  name: string;
  parallelism: number;
  mapParallelism: number;
  /** sink.sqlite path; undefined: the state DB. */
  totalsDb: string | undefined;
}

const VARIANTS: Variant[] = [
  { name: 'parallelism 1, totals in their own database', parallelism: 1, mapParallelism: 1, totalsDb: 'out/totals.db' },
  {
    name: 'parallelism 3 (map 2), totals in their own database',
    parallelism: 3,
    mapParallelism: 2,
    totalsDb: 'out/totals.db',
  },
  {
    name: 'parallelism 3 (map 2), totals in the state database',
    parallelism: 3,
    mapParallelism: 2,
    totalsDb: undefined,
  },
];

interface Outcome {
  changelog: Map<string, string[]>;
  totals: TotalRow[];
  stateDb: string;
  totalsDbFile: string;
}

function outcomeOf(dir: string, v: Variant): Outcome {
  const stateDb = path.join(dir, 'state.db');
  const totalsDbFile = v.totalsDb ? path.join(dir, v.totalsDb) : stateDb;
  return {
    changelog: changelogByKey(path.join(dir, 'out', 'changelog.jsonl')),
    totals: readTotals(totalsDbFile),
    stateDb,
    totalsDbFile,
  };
}

function graphFor(v: Variant): object {
  return standardPipeline({
    count: COUNT,
    ratePerSec: RATE,
    keys: KEYS,
    checkpointIntervalMs: 200,
    parallelism: v.parallelism,
    mapParallelism: v.mapParallelism,
    totalsDb: v.totalsDb,
  });
}

/** Kill at random moments until a run exits 0; returns how many runs were killed. */
async function crashUntilDone(dir: string, rand: () => number, killBudget: number, log: string[]): Promise<number> {
  const graph = path.join(dir, 'pipeline.sluice.json');
  const state = path.join(dir, 'state.db');
  let kills = 0;
  for (let runNo = 1; runNo <= MAX_RUNS_PER_ROUND; runNo++) {
    const killAfter = kills < killBudget ? Math.round(200 + rand() * 2300) : undefined;
    const r = await runCli(['run', graph, '--state', state], {
      cwd: dir,
      ...(killAfter !== undefined ? { killAfterMs: killAfter } : {}),
      timeoutMs: 60_000,
    });
    const resumed = /resuming from checkpoint (\d+)/.exec(r.stderr)?.[1];
    log.push(
      `run ${runNo}: ${r.killed ? `SIGKILL after ${killAfter} ms` : `exit ${r.code}`}${resumed ? `, resumed from checkpoint ${resumed}` : ''}`,
    );
    if (r.killed) {
      kills++;
      continue;
    }
    if (r.code !== 0) throw new Error(`a rerun failed (exit ${r.code}):\n${r.stderr}\n${log.join('\n')}`);
    return kills;
  }
  throw new Error(`no run finished within ${MAX_RUNS_PER_ROUND} runs:\n${log.join('\n')}`);
}

describe.each(VARIANTS)('exactly-once across SIGKILL, $name', (v) => {
  let reference: Outcome;

  beforeAll(async () => {
    const dir = path.join(root, `ref-${VARIANTS.indexOf(v)}`);
    writeGraph(dir, graphFor(v));
    const r = await runCli(['run', path.join(dir, 'pipeline.sluice.json'), '--state', path.join(dir, 'state.db')], {
      cwd: dir,
      timeoutMs: 60_000,
    });
    if (r.code !== 0) throw new Error(`the reference run failed (exit ${r.code}): ${r.stderr}`);
    reference = outcomeOf(dir, v);
  }, 90_000);

  it('an uninterrupted run produces every running total once, in order per key', () => {
    expect(computedDifferences(reference.changelog, COUNT, KEYS)).toEqual([]);
    const want = computedTotals(COUNT, KEYS);
    expect(reference.totals.map((r) => [r.key, (JSON.parse(r.value) as { value: number }).value])).toEqual(
      [...want].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  });

  it(
    `after ≥ ${KILLS} SIGKILLs at random moments, reruns hold each result exactly once`,
    async () => {
      const seed = SEED + VARIANTS.indexOf(v);
      const rand = mulberry32(seed);
      let kills = 0;
      for (let round = 1; kills < KILLS; round++) {
        const dir = path.join(root, `crash-${VARIANTS.indexOf(v)}-r${round}`);
        writeGraph(dir, graphFor(v));
        const log: string[] = [`seed ${seed}, round ${round}`];
        kills += await crashUntilDone(dir, rand, KILLS - kills, log);
        if (process.env['SLUICE_CRASH_VERBOSE'] === '1') console.info(log.join('\n'));
        const got = outcomeOf(dir, v);
        const context = log.join('\n');
        expect(changelogDifferences(reference.changelog, got.changelog), context).toEqual([]);
        expect(got.totals, context).toEqual(reference.totals);
        expect(integrityCheck(got.stateDb), context).toEqual(['ok']);
        if (got.totalsDbFile !== got.stateDb) expect(integrityCheck(got.totalsDbFile), context).toEqual(['ok']);
      }
      expect(kills).toBeGreaterThanOrEqual(KILLS);
    },
    SOAK ? 1_800_000 : 120_000,
  );
});
