/**
 * The Nexmark templates (assets/examples/nexmark-*.sluice.json) through the real CLI, each with
 * a small count, against results computed without the engine: the generator's events (the
 * node's NexmarkModel, as plain function calls) fed to the plain loops of
 * test/bench/lib/nexmarkQueries.ts.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { NexmarkModel } from '../../engine/nodes/NexmarkModel.js';
import { nexmarkSettings } from '../../engine/nodes/sourceNexmark.js';
import type { QueryName } from '../bench/lib/nexmarkQueries.js';
import { plainQuery } from '../bench/lib/nexmarkQueries.js';
import { CLI, REPO, runCli } from './sluiceCli.js';

interface Graph {
  settings: Record<string, unknown>;
  nodes: Array<{ id: string; type: string; config: Record<string, unknown> }>;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-nexmark-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Enough event time for several windows: q5 slides every 2 s, q7 tumbles every 10 s (10k events/s). */
const COUNT: Record<QueryName, number> = { q0: 20_000, q1: 20_000, q2: 60_000, q5: 150_000, q7: 250_000, q8: 200_000 };

/** The template `id` with the source's count set, written into its own folder. */
function copyTemplate(
  id: string,
  count: number,
  settings: Record<string, unknown> = {},
): { dir: string; file: string } {
  const graph = JSON.parse(fs.readFileSync(path.join(REPO, 'assets/examples', `${id}.sluice.json`), 'utf8')) as Graph;
  const source = graph.nodes.find((n) => n.type === 'source.nexmark')!;
  source.config.count = count;
  graph.settings = { ...graph.settings, ...settings };
  const dir = path.join(work, `${id}-${count}`);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${id}.sluice.json`);
  fs.writeFileSync(file, JSON.stringify(graph));
  return { dir, file };
}

/** What the query gives on the template's own generator settings, computed in plain code. */
function expected(id: string, q: QueryName, count: number): unknown[] {
  const graph = JSON.parse(fs.readFileSync(path.join(REPO, 'assets/examples', `${id}.sluice.json`), 'utf8')) as Graph;
  const model = new NexmarkModel(nexmarkSettings(graph.nodes.find((n) => n.type === 'source.nexmark')!.config));
  const results: unknown[] = [];
  const query = plainQuery(q, (r) => results.push(r));
  for (let i = 0; i < count; i++) query.add(model.event(i));
  query.end();
  return results;
}

/**
 * Runs the CLI and SIGKILLs it as soon as the state holds one more completed checkpoint than
 * when it started; a run that ends first just ends.
 */
function runKilledAfterCheckpoint(
  args: string[],
  cwd: string,
  state: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const completed = (): number => {
    try {
      const db = new BetterSqlite3(state, { readonly: true, fileMustExist: true });
      try {
        return (
          db.prepare('SELECT COUNT(*) AS n FROM checkpoints WHERE completed_at IS NOT NULL').get() as { n: number }
        ).n;
      } finally {
        db.close();
      }
    } catch {
      return 0; // not created yet, or busy: ask again
    }
  };
  const before = completed();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const poll = setInterval(() => {
      if (completed() > before) child.kill('SIGKILL');
    }, 20);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      resolve({ code, signal, stderr });
    });
  });
}

function readResults(dir: string, id: string): unknown[] {
  const text = fs.readFileSync(path.join(dir, 'out', `${id}.jsonl`), 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
}

/** Windowed queries emit window by window in the order windows complete: compare as sets. */
const canonical = (rows: unknown[]): string[] => rows.map((r) => JSON.stringify(r)).sort();

const QUERIES: QueryName[] = ['q0', 'q1', 'q2', 'q5', 'q7', 'q8'];

describe('the Nexmark templates through the CLI', () => {
  it.each(QUERIES)(
    'nexmark-%s-file writes exactly the results computed from the generator in plain code',
    async (q) => {
      const id = `nexmark-${q}-file`;
      const { dir, file } = copyTemplate(id, COUNT[q]);
      const r = await runCli(['run', file, '--state', path.join(dir, 'state.db')], { cwd: dir, timeoutMs: 120_000 });
      expect(r.stderr).toMatch(/run finished/);
      expect(r.code).toBe(0);
      const want = expected(id, q, COUNT[q]);
      expect(want.length).toBeGreaterThan(q === 'q7' ? 1 : 5);
      const got = readResults(dir, id);
      if (q === 'q5' || q === 'q7' || q === 'q8') expect(canonical(got)).toEqual(canonical(want));
      else expect(got).toEqual(want);
    },
  );

  it.each(QUERIES)('nexmark-%s discards as many results as the plain code computes', async (q) => {
    const id = `nexmark-${q}`;
    const { dir, file } = copyTemplate(id, COUNT[q]);
    const r = await runCli(['run', file, '--state', path.join(dir, 'state.db')], { cwd: dir, timeoutMs: 120_000 });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`run finished: discard ${expected(id, q, COUNT[q]).length} `);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it.each(['q5', 'q7'] as const)(
    'nexmark-%s-file killed mid-run and resumed still holds each result exactly once',
    async (q) => {
      const id = `nexmark-${q}-file`;
      const count = q === 'q5' ? 600_000 : 1_500_000;
      const { dir, file } = copyTemplate(id, count, { checkpointIntervalMs: 200 });
      const state = path.join(dir, 'state.db');
      let kills = 0;
      let resumes = 0;
      let finished = false;
      for (let attempt = 0; attempt < 6 && !finished; attempt++) {
        // The first two runs are killed once a checkpoint of theirs has completed (not after a
        // fixed time: on a busy machine start-up alone may take that long); the rest run to the end.
        const args = ['run', file, '--state', state];
        const r =
          attempt < 2
            ? await runKilledAfterCheckpoint(args, dir, state)
            : await runCli(args, { cwd: dir, timeoutMs: 120_000 });
        if (r.signal === 'SIGKILL') kills++;
        else expect(r.code).toBe(0);
        if (/resuming from checkpoint/.test(r.stderr)) resumes++;
        finished = r.code === 0;
      }
      expect(finished).toBe(true);
      expect(kills).toBeGreaterThan(0);
      expect(resumes).toBeGreaterThan(0);
      expect(canonical(readResults(dir, id))).toEqual(canonical(expected(id, q, count)));
    },
    180_000,
  );
});
