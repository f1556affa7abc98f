// Checkpoint figures of issue 3 (run by `npm run bench`, or `node test/bench/checkpoint.mjs`).
// Runs the bundled CLI (dist/cli.js) as a user does; build first: `node scripts/build.mjs engine`.
// Prints one JSON object and writes test-results/bench-checkpoint.json.
//   a) throughput of the standard pipeline (no rate limit) with checkpoints every 1 s against
//      checkpoints effectively off (every hour): overhead %. Target ≤ 3 %.
//   b) checkpoint duration with 100k keys of aggregate state (metrics run.checkpoints.
//      lastDurationMs, barrier injection to durable). Target ≤ 50 ms. Operator stall: the
//      longest pause one operator took to snapshot and encode its state (run.checkpoints.
//      lastPauseMs). Target ≤ 10 ms. Edge latency p99 during the run is reported beside it.
//   c) restart to first output with 100k keys of state: SIGKILL mid-run, then from the rerun's
//      spawn to the changelog growing past its committed length. Target ≤ 1 s.
// Env: BENCH_COUNT (3,000,000), BENCH_REPEAT (3), BENCH_CHECKPOINT_PARTS (overhead,pause,restart:
// which of a, b, c to run), BENCH_BASE_CLI (another build: b runs with it too, figures on stderr).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const COUNT = Number(process.env.BENCH_COUNT ?? 3_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const PARTS = new Set((process.env.BENCH_CHECKPOINT_PARTS ?? 'overhead,pause,restart').split(','));
const BASE_CLI = process.env.BENCH_BASE_CLI ? path.resolve(root, process.env.BENCH_BASE_CLI) : null;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-cp-'));

if (!fs.existsSync(cli)) {
  console.error(`${cli} is missing: run node scripts/build.mjs engine first`);
  process.exit(2);
}

function pipeline({ count, keys, checkpointIntervalMs, ratePerSec }) {
  return {
    format: 'sluice/graph',
    version: 1,
    name: 'Checkpoint bench',
    settings: { checkpointIntervalMs, defaultEdgeCapacity: 1024 },
    nodes: [
      {
        id: 'orders',
        type: 'source.generator',
        config: {
          count,
          keys,
          ...(ratePerSec ? { ratePerSec } : {}),
          timeExpression: 'i',
          valueExpression: '({ seq: i, quantity: 1 + (i % 5) })',
        },
      },
      { id: 'price', type: 'map', config: { expression: '({ ...value, amount: value.quantity * 12.5 })' } },
      { id: 'totals', type: 'aggregate', config: { op: 'sum', field: 'value.amount' } },
      { id: 'changelog', type: 'sink.file', config: { path: 'out/changelog.jsonl', format: 'jsonl', envelope: true } },
      { id: 'latest', type: 'sink.sqlite', config: { path: 'out/totals.db', table: 'totals', mode: 'upsert' } },
    ],
    edges: [
      { id: 'e1', from: { node: 'orders', port: 'out' }, to: { node: 'price', port: 'in' } },
      { id: 'e2', from: { node: 'price', port: 'out' }, to: { node: 'totals', port: 'in' } },
      { id: 'e3', from: { node: 'totals', port: 'out' }, to: { node: 'changelog', port: 'in' } },
      { id: 'e4', from: { node: 'totals', port: 'out' }, to: { node: 'latest', port: 'in' } },
    ],
  };
}

function setup(name, graph) {
  const dir = path.join(work, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'g.sluice.json');
  fs.writeFileSync(file, JSON.stringify(graph));
  return {
    dir,
    file,
    state: path.join(dir, 'state.db'),
    metrics: path.join(dir, 'metrics.jsonl'),
    changelog: path.join(dir, 'out', 'changelog.jsonl'),
  };
}

function run(args, { cwd, killAfterMs, onSpawn, cliPath = cli } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [cliPath, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let resumedAt = null;
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
      if (resumedAt === null && /resuming from checkpoint/.test(stderr)) resumedAt = performance.now() - t0;
    });
    onSpawn?.(child, t0);
    const timer = killAfterMs !== undefined ? setTimeout(() => child.kill('SIGKILL'), killAfterMs) : null;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stderr, ms: performance.now() - t0, resumedAt });
    });
  });
}

function frames(file) {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : null;
};
const round = (x, d = 1) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);

async function throughput(intervalMs, name) {
  const p = setup(name, pipeline({ count: COUNT, keys: 10, checkpointIntervalMs: intervalMs }));
  const r = await run(['run', p.file, '--state', p.state, '--metrics', p.metrics], { cwd: p.dir });
  if (r.code !== 0) throw new Error(`${name}: exit ${r.code}: ${r.stderr}`);
  const last = frames(p.metrics).at(-1);
  const eps = COUNT / (last.run.elapsedMs / 1000);
  fs.rmSync(p.dir, { recursive: true, force: true }); // the changelog is ~250 MB
  return { eventsPerSec: eps, checkpoints: last.run.checkpoints.count, elapsedMs: last.run.elapsedMs };
}

// a) overhead, alternating the two settings so drift hits both alike.
const on = [];
const off = [];
for (let i = 0; PARTS.has('overhead') && i < REPEAT; i++) {
  off.push(await throughput(3_600_000, `off-${i}`));
  on.push(await throughput(1000, `on-${i}`));
}
const onEps = median(on.map((x) => x.eventsPerSec));
const offEps = median(off.map((x) => x.eventsPerSec));
const overheadPct = ((offEps - onEps) / offEps) * 100;

// b) checkpoints with 100k keys of aggregate state, at full speed.
const KEYS_BIG = 100_000;
async function bigState(name, cliPath) {
  const b = setup(name, pipeline({ count: 2_000_000, keys: KEYS_BIG, checkpointIntervalMs: 1000 }));
  const rb = await run(['run', b.file, '--state', b.state, '--metrics', b.metrics], { cwd: b.dir, cliPath });
  if (rb.code !== 0) throw new Error(`big state: exit ${rb.code}: ${rb.stderr}`);
  const perCheckpoint = new Map();
  let latencyP99Max = 0;
  const p99s = [];
  for (const f of frames(b.metrics)) {
    const c = f.run.checkpoints;
    if (c.lastId !== null)
      perCheckpoint.set(c.lastId, {
        durationMs: c.lastDurationMs,
        bytes: c.lastBytes,
        pauseMs: c.lastPauseMs,
        pauseNode: c.lastPauseNodeId,
      });
    const l = f.edges.e2?.latencyP99;
    if (typeof l === 'number') {
      p99s.push(l);
      latencyP99Max = Math.max(latencyP99Max, l);
    }
  }
  // The per-node state sizes of the stored checkpoints, to show the aggregate really held 100k keys.
  const db = new BetterSqlite3(b.state, { readonly: true });
  const aggBytes = db.prepare(`SELECT MAX(bytes) AS b FROM snapshots WHERE node_id = 'totals'`).get().b;
  const storedDurations = db
    .prepare(`SELECT duration_ms AS d FROM checkpoints WHERE completed_at IS NOT NULL`)
    .all()
    .map((r) => r.d);
  db.close();
  const durations = [...perCheckpoint.values()].map((c) => c.durationMs);
  const pauses = [...perCheckpoint.values()].map((c) => c.pauseMs);
  fs.rmSync(b.dir, { recursive: true, force: true });
  const pauseNodes = [...perCheckpoint.values()].map((c) => `${c.pauseNode}:${round(c.pauseMs)}`);
  return { aggBytes, storedDurations, durations, pauses, pauseNodes, p99s, latencyP99Max };
}
let big = { aggBytes: null, storedDurations: [], durations: [], pauses: [], p99s: [], latencyP99Max: null };
if (PARTS.has('pause')) {
  for (let i = 0; BASE_CLI && i < REPEAT; i++) {
    const base = await bigState(`big-state-base-${i}`, BASE_CLI);
    big = await bigState(`big-state-${i}`, cli);
    const line = (x) =>
      `pause median ${round(median(x.pauses))} max ${round(Math.max(...x.pauses))} ms (${x.pauseNodes.join(' ')})`;
    console.error(`round ${i + 1}: base ${line(base)}; this build ${line(big)}`);
  }
  if (!BASE_CLI) big = await bigState('big-state', cli);
}
const { aggBytes, storedDurations, durations, pauses, p99s, latencyP99Max } = big;

// c) restart to first output with 100k keys of state.
async function restart(intervalMs) {
  const c = setup(
    `restart-${intervalMs}`,
    pipeline({ count: 20_000_000, keys: KEYS_BIG, checkpointIntervalMs: intervalMs }),
  );
  const killed = await run(['run', c.file, '--state', c.state], { cwd: c.dir, killAfterMs: 4000 });
  if (killed.signal !== 'SIGKILL') throw new Error(`restart: the first run was not killed: ${killed.stderr}`);
  const cdb = new BetterSqlite3(c.state, { readonly: true });
  const committed = JSON.parse(
    cdb.prepare(`SELECT info FROM sink_commits WHERE operator_id LIKE '%changelog%' OR info LIKE '%length%'`).get()
      .info,
  ).length;
  const cp = cdb.prepare(`SELECT MAX(id) AS id FROM checkpoints WHERE completed_at IS NOT NULL`).get().id;
  cdb.close();
  // What the sink does itself on open; done here so "growing" can only mean new output.
  fs.truncateSync(c.changelog, committed);
  let firstOutputMs = null;
  const r = await run(['run', c.file, '--state', c.state], {
    cwd: c.dir,
    onSpawn: (child, t0) => {
      const poll = setInterval(() => {
        let size = 0;
        try {
          size = fs.statSync(c.changelog).size;
        } catch {
          // not created yet: no output so far
        }
        if (size > committed) {
          firstOutputMs = performance.now() - t0;
          clearInterval(poll);
          child.kill('SIGKILL');
        }
      }, 2);
      child.on('close', () => clearInterval(poll));
    },
  });
  fs.rmSync(c.dir, { recursive: true, force: true });
  return {
    checkpointIntervalMs: intervalMs,
    resumedFrom: cp,
    spawnToResumedMs: round(r.resumedAt),
    spawnToFirstOutputMs: round(firstOutputMs),
  };
}
const restarts = PARTS.has('restart') ? [await restart(1000), await restart(200)] : [];

const result = {
  name: 'checkpoint',
  machine: { cpus: os.availableParallelism(), node: process.version },
  throughput: {
    count: COUNT,
    repeat: REPEAT,
    checkpointsEvery1sEventsPerSec: Math.round(onEps),
    checkpointsOffEventsPerSec: Math.round(offEps),
    overheadPct: round(overheadPct),
    target: 'overhead <= 3 %',
    met: overheadPct <= 3,
    runs: {
      on: on.map((x) => ({ ...x, eventsPerSec: Math.round(x.eventsPerSec) })),
      off: off.map((x) => ({ ...x, eventsPerSec: Math.round(x.eventsPerSec) })),
    },
  },
  bigState: {
    keys: KEYS_BIG,
    aggregateSnapshotBytes: aggBytes,
    checkpointsSeen: durations.length,
    checkpointDurationMs: {
      median: round(median(durations)),
      max: round(Math.max(...durations)),
      all: durations.map((d) => round(d)),
    },
    storedDurationsMs: storedDurations.map((d) => round(d)),
    target: 'checkpoint <= 50 ms',
    met: durations.length > 0 && Math.max(...durations) <= 50,
    operatorPauseMs: {
      median: round(median(pauses), 1),
      max: round(Math.max(...pauses), 1),
      all: pauses.map((d) => round(d, 1)),
      byNode: big.pauseNodes,
    },
    operatorPauseTarget: 'no operator stalls > 10 ms because of a checkpoint',
    operatorPauseMet: pauses.length > 0 && Math.max(...pauses) <= 10,
    edgeLatencyP99Ms: { median: round(median(p99s), 2), max: round(latencyP99Max, 2) },
  },
  restart: {
    keys: KEYS_BIG,
    runs: restarts,
    target: 'restart to first output <= 1 s',
    met: restarts.every((r) => r.spawnToFirstOutputMs !== null && r.spawnToFirstOutputMs <= 1000),
  },
};
fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });
fs.writeFileSync(path.join(root, 'test-results', 'bench-checkpoint.json'), JSON.stringify(result, null, 2) + '\n');
fs.rmSync(work, { recursive: true, force: true });
console.log(JSON.stringify(result, null, 2));
