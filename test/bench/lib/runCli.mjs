// Runs the bundled CLI (dist/cli.js) on a graph as a user does, in a child process, and reports
// its exit, the last metrics frame and the CPU time of the whole process (all threads).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');
/** Another build to measure against in the same run (A/B): `BENCH_BASE_CLI=dist/base/cli.js`. */
export const BASE_CLI = process.env.BENCH_BASE_CLI ? path.resolve(ROOT, process.env.BENCH_BASE_CLI) : null;
const PRELOAD = new URL('./cpuReport.mjs', import.meta.url).href;

/** Fails with a clear line when the bundle is missing (scripts/bench.mjs builds it first). */
export function requireBuild() {
  if (!fs.existsSync(CLI)) {
    console.error(`${CLI} is missing: run node scripts/build.mjs engine first`);
    process.exit(2);
  }
}

/**
 * Writes `graph` into a fresh folder under `work` and runs it to the end with a fresh state.
 * Returns { code, stderr, wallMs, cpuMs, runMs, last, dir }: `runMs` is the run's own clock
 * (metrics run.elapsedMs, process start-up excluded), `cpuMs` user + system of the process.
 */
export async function runGraph(work, name, graph, cli = CLI) {
  const dir = path.join(work, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'graph.sluice.json');
  const metrics = path.join(dir, 'metrics.jsonl');
  const cpuFile = path.join(dir, 'cpu.json');
  fs.writeFileSync(file, JSON.stringify(graph));
  const t0 = performance.now();
  const r = await new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', PRELOAD, cli, 'run', file, '--state', path.join(dir, 'state.db'), '--metrics', metrics],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SLUICE_BENCH_CPU_OUT: cpuFile } },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
  const wallMs = performance.now() - t0;
  if (r.code !== 0) throw new Error(`${name}: exit ${r.code}: ${r.stderr.trim()}`);
  const cpu = JSON.parse(fs.readFileSync(cpuFile, 'utf8'));
  const frames = fs.readFileSync(metrics, 'utf8').trim().split('\n');
  const last = JSON.parse(frames[frames.length - 1]);
  return {
    code: r.code,
    stderr: r.stderr,
    wallMs,
    cpuMs: (cpu.userUs + cpu.systemUs) / 1000,
    runMs: last.run.elapsedMs,
    last,
    dir,
  };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const round = (x, d = 0) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);
