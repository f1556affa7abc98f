/**
 * `sluice run` as a user runs it (the bundled CLI in a child process), SPEC §8: --metrics writes
 * one JSON snapshot per second; SIGINT/SIGTERM take a final checkpoint and exit 0; a rerun with
 * the same state resumes and the sinks hold each result once; errors are one line each.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsSnapshot } from '../../../../engine/contract/index.js';
import {
  changelogByKey,
  computedDifferences,
  linesOf,
  readTotals,
  runCli,
  standardPipeline,
  writeGraph,
} from '../../../integration/sluiceCli.js';

const COUNT = 40_000;
const KEYS = 20;

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-run-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A ~2 s run of the standard pipeline in its own folder. */
function pipeline(name: string, over: Partial<Parameters<typeof standardPipeline>[0]> = {}) {
  const dir = path.join(root, name);
  const graph = writeGraph(
    dir,
    standardPipeline({
      count: COUNT,
      ratePerSec: 20_000,
      keys: KEYS,
      checkpointIntervalMs: 200,
      totalsDb: 'out/totals.db',
      ...over,
    }),
  );
  return { dir, graph, state: path.join(dir, 'state.db'), changelog: path.join(dir, 'out', 'changelog.jsonl') };
}

function lineCount(file: string): number {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').length - 1 : 0;
}

describe('sluice run', () => {
  it('writes --metrics as one JSON snapshot per second, the last one with the final counts', async () => {
    const p = pipeline('metrics');
    const metrics = path.join(p.dir, 'm', 'metrics.jsonl');
    const r = await runCli(['run', p.graph, '--state', p.state, '--metrics', metrics], {
      cwd: p.dir,
      timeoutMs: 30_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const frames = linesOf(fs.readFileSync(metrics, 'utf8')).map((l) => JSON.parse(l) as MetricsSnapshot);
    const seconds = r.ms / 1000;
    // One per second of the run, plus the final snapshot written at the end.
    expect(frames.length).toBeGreaterThanOrEqual(Math.floor(seconds) - 1);
    expect(frames.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    const periodic = frames.slice(0, -1);
    for (let i = 1; i < periodic.length; i++) expect(periodic[i]!.t - periodic[i - 1]!.t).toBeGreaterThanOrEqual(990);
    const last = frames.at(-1)!;
    expect(last.nodes['orders']!.out).toBe(COUNT);
    expect(last.nodes['changelog']!.in).toBe(COUNT);
    expect(last.run.checkpoints.count).toBeGreaterThan(0);
    expect(last.run.checkpoints.lastDurationMs).toEqual(expect.any(Number));
    expect(linesOf(r.stderr).at(-1)).toMatch(
      new RegExp(`^run finished: changelog ${COUNT}, latest ${COUNT} in \\d+\\.\\d s$`),
    );
  });

  it('SIGINT takes a final checkpoint and exits 0; `checkpoints` lists it; a rerun resumes from it and each result is in the sinks once', async () => {
    const p = pipeline('sigint');
    const first = await runCli(['run', p.graph, '--state', p.state], {
      cwd: p.dir,
      // Once a checkpoint has committed output: the run is under way (whatever the machine's load).
      killWhen: () => lineCount(p.changelog) > 0,
      killSignal: 'SIGINT',
      timeoutMs: 30_000,
    });
    expect(first.killed).toBe(true);
    expect(first.code, first.stderr).toBe(0);
    const stopped = /^run stopped: changelog (\d+), latest (\d+)/m.exec(first.stderr);
    expect(stopped, first.stderr).not.toBeNull();
    const processed = Number(stopped![1]);
    expect(processed).toBeGreaterThan(0);
    expect(processed).toBeLessThan(COUNT);
    // The final checkpoint covered everything the sinks received: all of it is committed.
    expect(lineCount(p.changelog)).toBe(processed);

    const cps = await runCli(['checkpoints', p.state], { timeoutMs: 20_000 });
    expect(cps.code, cps.stderr).toBe(0);
    const rows = linesOf(cps.stdout).slice(1);
    const lastId = Number(rows.at(-1)!.trim().split(/\s+/)[0]);
    expect(lastId).toBeGreaterThan(0);
    expect(rows.at(-1)).toMatch(/\d+ ms/); // completed, with a duration

    const second = await runCli(['run', p.graph, '--state', p.state], { cwd: p.dir, timeoutMs: 30_000 });
    expect(second.code, second.stderr).toBe(0);
    expect(linesOf(second.stderr)[0]).toBe(`resuming from checkpoint ${lastId} in ${p.state}`);
    expect(computedDifferences(changelogByKey(p.changelog), COUNT, KEYS)).toEqual([]);
    expect(readTotals(path.join(p.dir, 'out', 'totals.db'))).toHaveLength(KEYS);
  });

  it('SIGTERM also stops with a final checkpoint and exit 0', async () => {
    const p = pipeline('sigterm');
    const r = await runCli(['run', p.graph, '--state', p.state], {
      cwd: p.dir,
      killWhen: () => lineCount(p.changelog) > 0,
      killSignal: 'SIGTERM',
      timeoutMs: 30_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const processed = Number(/^run stopped: changelog (\d+)/m.exec(r.stderr)?.[1]);
    expect(lineCount(p.changelog)).toBe(processed);
  });

  it('a rerun of a finished graph resumes from its last checkpoint and adds nothing', async () => {
    const p = pipeline('finished', { ratePerSec: undefined });
    expect((await runCli(['run', p.graph, '--state', p.state], { cwd: p.dir, timeoutMs: 30_000 })).code).toBe(0);
    const before = fs.readFileSync(p.changelog);
    const again = await runCli(['run', p.graph, '--state', p.state], { cwd: p.dir, timeoutMs: 30_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/^resuming from checkpoint \d+ in /);
    expect(fs.readFileSync(p.changelog).equals(before)).toBe(true);
  });

  it('refuses a second run on the same state in one line while the first holds it', async () => {
    // Slow enough that the SIGINT lands mid-run, not in the moment the run exits by itself.
    const p = pipeline('locked', { ratePerSec: 4000 });
    // The first run holds the store from its start; it is stopped once the second has answered.
    let secondAnswered = false;
    const firstRun = runCli(['run', p.graph, '--state', p.state], {
      cwd: p.dir,
      killWhen: () => secondAnswered,
      killSignal: 'SIGINT',
      timeoutMs: 60_000,
    });
    const deadline = Date.now() + 30_000;
    while (lineCount(p.changelog) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const second = await runCli(['run', p.graph, '--state', p.state], { cwd: p.dir, timeoutMs: 20_000 });
    secondAnswered = true;
    expect(second.code).toBe(1);
    const lines = linesOf(second.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`state store ${p.state} is in use by another Sluice run \\(pid \\d+`));
    expect((await firstRun).code).toBe(0);
  });

  it('refuses an invalid graph with exit 1, one line per problem', async () => {
    const dir = path.join(root, 'invalid');
    const g = standardPipeline({ count: 10, keys: 2, checkpointIntervalMs: 200 }) as {
      nodes: Array<{ id: string; config: Record<string, unknown> }>;
    };
    g.nodes.find((n) => n.id === 'price')!.config['expression'] = '({ ';
    g.nodes.find((n) => n.id === 'totals')!.config['op'] = 'median';
    const file = writeGraph(dir, g);
    const r = await runCli(['run', file, '--state', path.join(dir, 's.db')], { cwd: dir, timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    const lines = linesOf(r.stderr);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^error: node price: .*expression/);
    expect(lines[1]).toMatch(/^error: node totals: .*op/);
    expect(fs.existsSync(path.join(dir, 's.db'))).toBe(false);
  });

  it('answers a file that does not exist with exit 2 and one line', async () => {
    const r = await runCli(['run', path.join(root, 'nope.sluice.json')], { timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(linesOf(r.stderr)).toEqual([`${path.join(root, 'nope.sluice.json')}: no such file`]);
  });

  it('answers a bad option in one line without a stack trace', async () => {
    const p = pipeline('badflag');
    const bad = await runCli(['run', p.graph, '--duration', 'soon'], { cwd: p.dir, timeoutMs: 20_000 });
    expect(bad.code).not.toBe(0);
    expect(linesOf(bad.stderr)).toEqual(['--duration must be a whole number, not "soon"']);
    const unknown = await runCli(['run', p.graph, '--turbo'], { cwd: p.dir, timeoutMs: 20_000 });
    expect(unknown.code).not.toBe(0);
    expect(linesOf(unknown.stderr)).toEqual(['unknown option --turbo']);
  });

  it('without --state keeps its state in .sluice/<graph name>.db beside the graph and resumes from it', async () => {
    const p = pipeline('default-state');
    const first = await runCli(['run', p.graph, '--duration', '500'], { cwd: p.dir, timeoutMs: 30_000 });
    expect(first.code, first.stderr).toBe(0);
    const stateDir = path.join(p.dir, '.sluice');
    const dbs = fs.readdirSync(stateDir).filter((f) => f.endsWith('.db'));
    expect(dbs).toHaveLength(1);
    const second = await runCli(['run', p.graph], { cwd: p.dir, timeoutMs: 30_000 });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`in ${path.join(stateDir, dbs[0]!)}`);
    expect(computedDifferences(changelogByKey(p.changelog), COUNT, KEYS)).toEqual([]);
  });
});
