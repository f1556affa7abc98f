// Validation cost as a graph grows (issue 10, fault 7): the editor validates as the user draws,
// so `validate` must stay linear in nodes + edges. On the bundle (dist/engine.js), through
// `EngineService.validate`, the call the editor makes.
//
// Two shapes, each at 1k, 10k and 20k nodes: a chain (source → map → … → sink) and a fan-out
// (one source feeding every map, every map feeding one sink: one port with thousands of edges).
// The figure that matters is the ratio of 20k to 10k: about 2 when linear, 4 when quadratic.
// Timings are the median of a few runs; on a shared machine they are noisy, the ratio less so.
// Prints one JSON object and writes test-results/bench-validate.json. Never fails the build.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const { EngineService } = await import(new URL('../../dist/engine.js', import.meta.url).href);
const quick = process.env.SLUICE_BENCH_QUICK === '1';
const service = new EngineService({ roots: [tmpdir()], examplesDir: tmpdir() });
const SIZES = [1_000, 10_000, 20_000];
/** "Linear" allows for noise and the log factor of sorting: 20k may cost up to 3 × 10k. */
const LINEAR_RATIO = 3;

function node(id, type, config) {
  return { id, type, config };
}

function edge(i, from, to) {
  return { id: `e${i}`, from: { node: from, port: 'out' }, to: { node: to, port: 'in' } };
}

function graph(nodes, edges) {
  return { format: 'sluice/graph', version: 1, name: 'validate bench', nodes, edges };
}

/** gen → m1 → m2 → … → out: n nodes, n − 1 edges. */
function chain(n) {
  const nodes = [node('gen', 'source.generator', { count: 10 })];
  const edges = [];
  for (let i = 1; i < n - 1; i++) {
    nodes.push(node(`m${i}`, 'map', { expression: 'value' }));
    edges.push(edge(i, i === 1 ? 'gen' : `m${i - 1}`, `m${i}`));
  }
  nodes.push(node('out', 'sink.console', {}));
  edges.push(edge(n, `m${n - 2}`, 'out'));
  return graph(nodes, edges);
}

/** gen → each of n − 2 maps → out: every edge shares a port with thousands of others. */
function fanOut(n) {
  const nodes = [node('gen', 'source.generator', { count: 10 }), node('out', 'sink.console', {})];
  const edges = [];
  for (let i = 1; i <= n - 2; i++) {
    nodes.push(node(`m${i}`, 'map', { expression: 'value' }));
    edges.push(edge(2 * i, 'gen', `m${i}`), edge(2 * i + 1, `m${i}`, 'out'));
  }
  return graph(nodes, edges);
}

async function medianMs(g, runs) {
  const times = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const problems = await service.validate(g);
    times.push(performance.now() - t0);
    if (problems.some((p) => p.severity === 'error')) throw new Error(`bench graph invalid: ${problems[0].message}`);
  }
  times.sort((a, b) => a - b);
  return +times[times.length >> 1].toFixed(1);
}

const results = { name: 'validate', machine: { cpus: 2, node: process.version }, quick, shapes: {} };
// Warm-up: JIT the validator before the first measurement.
await medianMs(chain(1_000), 3);
for (const [shape, make] of [
  ['chain', chain],
  ['fanOut', fanOut],
]) {
  const ms = {};
  for (const n of SIZES) ms[n] = await medianMs(make(n), quick ? 1 : 5);
  const ratio = +(ms[20_000] / ms[10_000]).toFixed(2);
  results.shapes[shape] = {
    ms,
    ratio20kTo10k: ratio,
    target: `20k nodes cost at most ${LINEAR_RATIO} × 10k (linear)`,
    met: ratio <= LINEAR_RATIO,
  };
}
console.log(JSON.stringify(results, null, 2));
mkdirSync(new URL('../../test-results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('../../test-results/bench-validate.json', import.meta.url),
  JSON.stringify(results, null, 2) + '\n',
);
process.exit(0);
