// Contract checks at run time (issue 16): the cost of checking an event against its contract,
// against the per-event cost of the standard pipeline (generator → map → keyed sum → sink.file
// + sink.sqlite, test/integration/sluiceCli.ts). Target: ≤ 10 % of the pipeline's per-event cost.
//   pipeline   wall time per event of the standard pipeline on the bundle (dist/engine.js), and
//              of the same pipeline without its sinks (the stricter yardstick)
//   check      ns per event of compileContractChecker on the pipeline's own values: the orders
//              after `price` ({ seq, quantity, amount }) and the totals after `totals`
//              ({ key, op, value, count }); conforming values, then failing ones
//   checkedInWorkers  the standard pipeline with an edge contract and two sink contracts,
//              checked in the workers as events flow, against the same pipeline without
// Prints one JSON object and writes test-results/bench-contracts.json. Build first:
// `node scripts/build.mjs engine`. Env: BENCH_COUNT (400,000 pipeline events), BENCH_REPEAT (3
// rounds), BENCH_AB_ONLY=1 (only the A/B in the workers).
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const COUNT = Number(process.env.BENCH_COUNT ?? 400_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
mkdirSync(join(root, 'test-results'), { recursive: true });

// The checker alone, bundled here (in the repo so its imports, ajv, resolve from node_modules);
// the workers' checks run from dist/engine.js like the rest of the pipeline.
const lib = join(root, 'test-results', 'bench-contracts-lib.mjs');
await build({
  entryPoints: [join(root, 'engine/contracts/node/compileContractChecker.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  outfile: lib,
  logLevel: 'warning',
});
const { compileContractChecker } = await import(pathToFileURL(lib).href);
const { startRun } = await import(pathToFileURL(join(root, 'dist', 'engine.js')).href);

const contract = (name, schema) => ({
  name,
  version: 1,
  ref: `${name}@1`,
  file: `${name}@1.schema.json`,
  schema,
  compatibility: 'BACKWARD',
});
const ORDERS = contract('orders', {
  type: 'object',
  properties: {
    seq: { type: 'integer', minimum: 0 },
    quantity: { type: 'integer', minimum: 1, maximum: 5 },
    amount: { type: 'number', minimum: 0 },
  },
  required: ['seq', 'quantity', 'amount'],
  additionalProperties: false,
});
const TOTALS = contract('totals', {
  type: 'object',
  properties: {
    key: { type: 'string' },
    op: { enum: ['count', 'sum', 'avg', 'min', 'max'] },
    value: { type: 'number' },
    count: { type: 'integer', minimum: 1 },
  },
  required: ['key', 'op', 'value', 'count'],
});

function pipeline(count, sinks, contracts = false) {
  const nodes = [
    {
      id: 'orders',
      type: 'source.generator',
      config: { count, keys: 100, timeExpression: 'i', valueExpression: '({ seq: i, quantity: 1 + (i % 5) })' },
    },
    { id: 'price', type: 'map', config: { expression: '({ ...value, amount: value.quantity * 12.5 })' } },
    { id: 'totals', type: 'aggregate', config: { op: 'sum', field: 'value.amount' } },
  ];
  const edges = [
    { id: 'e1', from: { node: 'orders', port: 'out' }, to: { node: 'price', port: 'in' } },
    {
      id: 'e2',
      from: { node: 'price', port: 'out' },
      to: { node: 'totals', port: 'in' },
      ...(contracts ? { contract: 'orders@1' } : {}),
    },
  ];
  const sinkContract = contracts ? { contract: 'totals@1' } : {};
  if (sinks) {
    nodes.push(
      {
        id: 'changelog',
        type: 'sink.file',
        config: { path: 'out/changelog.jsonl', format: 'jsonl', envelope: true, ...sinkContract },
      },
      {
        id: 'latest',
        type: 'sink.sqlite',
        config: { path: 'out/totals.db', table: 'totals', mode: 'upsert', ...sinkContract },
      },
    );
    edges.push(
      { id: 'e3', from: { node: 'totals', port: 'out' }, to: { node: 'changelog', port: 'in' } },
      { id: 'e4', from: { node: 'totals', port: 'out' }, to: { node: 'latest', port: 'in' } },
    );
  } else {
    nodes.push({ id: 'drop', type: 'filter', config: { predicate: 'false' } });
    edges.push({ id: 'e3', from: { node: 'totals', port: 'out' }, to: { node: 'drop', port: 'in' } });
  }
  return {
    format: 'sluice/graph',
    version: 1,
    name: 'Contracts bench',
    settings: { checkpointIntervalMs: 1000 },
    nodes,
    edges,
  };
}

/**
 * One run: wall ns per event, and CPU ns per event (this process, the workers' threads included:
 * steadier than wall time on a machine others load). Throws if any event failed its contract.
 */
async function runCost(sinks, contracts, schemas = [ORDERS, TOTALS]) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-contracts-'));
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const handle = await startRun({
      graph: pipeline(COUNT, sinks, contracts),
      baseDir: dir,
      statePath: join(dir, 'state.db'),
      metricsIntervalMs: 1000,
      ...(contracts ? { schemas } : {}),
    });
    let errors = 0;
    handle.subscribe((e) => {
      if (e.type === 'metricsPublished') {
        errors = Math.max(errors, ...Object.values(e.snapshot.nodes).map((x) => x.errors ?? 0));
      }
    });
    const result = await handle.done;
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (result.status !== 'finished') {
      throw new Error(`pipeline run ended ${JSON.stringify(result).slice(0, 200)}`);
    }
    if (errors !== 0) throw new Error(`${errors} events failed their contracts in the bench pipeline`);
    return { wall: (ms * 1e6) / COUNT, cpu: ((cpu.user + cpu.system) * 1e3) / COUNT };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Best of REPEAT runs: wall ns per event. */
async function pipelineNsPerEvent(sinks) {
  let best = Infinity;
  for (let r = 0; r < REPEAT; r++) best = Math.min(best, (await runCost(sinks, false)).wall);
  return best;
}

/**
 * The standard pipeline with and without its contracts checked in the workers (an edge contract
 * on price → totals, a sink contract on both sinks: three checks per event): an A/B in one
 * process, REPEAT rounds, each round running every variant once, the order reversed every other
 * round so the machine's load falls on all alike. Best and median of the rounds, and each
 * round's figures.
 */
async function pipelineWithContracts() {
  // The same contracts as schemas that accept anything: what the gates cost without ajv's work.
  const accepting = [ORDERS, TOTALS].map((c) => ({ ...c, schema: {} }));
  const variants = [
    ['off', false, []],
    ['open', true, accepting],
    ['on', true, [ORDERS, TOTALS]],
  ];
  const rounds = { off: [], open: [], on: [] };
  for (let r = 0; r < REPEAT; r++) {
    for (const [name, contracts, schemas] of r % 2 === 0 ? variants : [...variants].reverse()) {
      rounds[name].push(await runCost(true, contracts, schemas));
    }
  }
  const summary = (list) => ({
    wall: Math.min(...list.map((c) => c.wall)),
    cpu: Math.min(...list.map((c) => c.cpu)),
    medianWall: median(list.map((c) => c.wall)),
    medianCpu: median(list.map((c) => c.cpu)),
    rounds: list.map((c) => ({ wall: Math.round(c.wall), cpu: Math.round(c.cpu) })),
  });
  return { off: summary(rounds.off), on: summary(rounds.on), open: summary(rounds.open) };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** ns per check over `values`, best of REPEAT passes of `rounds` each, after a warm-up. */
function checkNs(check, values, rounds = 20) {
  let failures = 0;
  for (const v of values) if (check(v) !== null) failures++;
  let best = Infinity;
  for (let r = 0; r < REPEAT; r++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < rounds; k++) for (let i = 0; i < values.length; i++) if (check(values[i]) !== null) failures++;
    const ns = Number(process.hrtime.bigint() - t0) / (rounds * values.length);
    best = Math.min(best, ns);
  }
  return { ns: best, failures };
}

const N = 100_000;
const orders = Array.from({ length: N }, (_, i) => ({ seq: i, quantity: 1 + (i % 5), amount: (1 + (i % 5)) * 12.5 }));
const totals = Array.from({ length: N }, (_, i) => ({ key: `k${i % 100}`, op: 'sum', value: i * 12.5, count: 1 + i }));
const badOrders = orders.map((o) => ({ ...o, amount: String(o.amount) }));

const checkOrders = compileContractChecker(ORDERS);
const checkTotals = compileContractChecker(TOTALS);
const ordersCheck = checkNs(checkOrders, orders);
const totalsCheck = checkNs(checkTotals, totals);
const failingCheck = checkNs(checkOrders, badOrders, 2);
if (ordersCheck.failures + totalsCheck.failures !== 0) throw new Error('a conforming value failed its contract');
if (failingCheck.failures === 0) throw new Error('failing values passed their contract');

const checked = await pipelineWithContracts();
// BENCH_AB_ONLY=1: the A/B in the workers alone (the yardstick runs below are skipped).
const abOnly = process.env.BENCH_AB_ONLY === '1';
const standardNs = abOnly ? NaN : await pipelineNsPerEvent(true);
const sinklessNs = abOnly ? NaN : await pipelineNsPerEvent(false);
// Where round 2 checks: once as the source emits, once into the sinks (the aggregate's output).
const perEventNs = ordersCheck.ns + totalsCheck.ns;
const result = {
  note: 'measured on a shared 2-core machine under other engineers’ load',
  pipelineEvents: COUNT,
  standardPipelineNsPerEvent: Math.round(standardNs),
  sinklessPipelineNsPerEvent: Math.round(sinklessNs),
  checkOrdersNs: +ordersCheck.ns.toFixed(1),
  checkTotalsNs: +totalsCheck.ns.toFixed(1),
  checkFailingNs: +failingCheck.ns.toFixed(1),
  twoChecksPerEventNs: +perEventNs.toFixed(1),
  shareOfStandardPipeline: +(perEventNs / standardNs).toFixed(4),
  shareOfSinklessPipeline: +(perEventNs / sinklessNs).toFixed(4),
  checkedInWorkers: {
    what: 'the standard pipeline run with an edge contract (price → totals) and a contract on both sinks',
    wallNsPerEvent: { without: Math.round(checked.off.wall), with: Math.round(checked.on.wall) },
    cpuNsPerEvent: {
      without: Math.round(checked.off.cpu),
      with: Math.round(checked.on.cpu),
      withAcceptingSchemas: Math.round(checked.open.cpu),
    },
    wallCost: +(checked.on.wall / checked.off.wall - 1).toFixed(4),
    cpuCost: +(checked.on.cpu / checked.off.cpu - 1).toFixed(4),
    rounds: REPEAT,
    median: {
      wallNsPerEvent: {
        without: Math.round(checked.off.medianWall),
        with: Math.round(checked.on.medianWall),
        withAcceptingSchemas: Math.round(checked.open.medianWall),
      },
      cpuNsPerEvent: {
        without: Math.round(checked.off.medianCpu),
        with: Math.round(checked.on.medianCpu),
        withAcceptingSchemas: Math.round(checked.open.medianCpu),
      },
      wallCost: +(checked.on.medianWall / checked.off.medianWall - 1).toFixed(4),
      cpuCost: +(checked.on.medianCpu / checked.off.medianCpu - 1).toFixed(4),
    },
    perRound: { without: checked.off.rounds, with: checked.on.rounds, withAcceptingSchemas: checked.open.rounds },
  },
  target: '≤ 0.10 of the standard pipeline’s per-event cost',
  met: (abOnly || perEventNs / standardNs <= 0.1) && checked.on.medianCpu / checked.off.medianCpu - 1 <= 0.1,
};
console.log(JSON.stringify(result, null, 2));
writeFileSync(join(root, 'test-results', 'bench-contracts.json'), JSON.stringify(result, null, 2) + '\n');
rmSync(lib, { force: true });
