// Node-RED, the field's best-known flow tool on Node, on the standard pipeline with no output.
// It is never a dependency of this repo: the bench installs it on demand into a cache folder
// outside the tree ($SLUICE_BENCH_CACHE, default ~/.cache/sluice-bench) with npm, then runs it
// headless (no editor, no HTTP) in a child process on a flow equivalent to the pipeline
// (test/bench/lib/nodeRedRunner.mjs). Skipped, with a note, only when npm cannot reach the registry.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KEYS } from './standardPipeline.mjs';

export const NODE_RED_VERSION = '4.1.8'; // 5.x needs Node 22
const RUNNER = new URL('./nodeRedRunner.mjs', import.meta.url);
const NETWORK = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network|socket hang up|offline/i;

/** The folder holding node_modules/node-red, installing it first if needed; or { skipped } / throws. */
export function ensureNodeRed() {
  const cache = process.env.SLUICE_BENCH_CACHE ?? path.join(os.homedir(), '.cache', 'sluice-bench');
  const dir = path.join(cache, `node-red-${NODE_RED_VERSION}`);
  const pkg = path.join(dir, 'node_modules', 'node-red', 'package.json');
  if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).version === NODE_RED_VERSION) return { dir };
  fs.mkdirSync(dir, { recursive: true });
  console.error(`installing node-red@${NODE_RED_VERSION} into ${dir} (once; not a dependency of the repo)`);
  const r = spawnSync(
    'npm',
    ['install', '--prefix', dir, '--no-audit', '--no-fund', '--omit=dev', `node-red@${NODE_RED_VERSION}`],
    { encoding: 'utf8', timeout: 300_000 },
  );
  if (r.status === 0 && fs.existsSync(pkg)) return { dir };
  const why = `${r.error?.message ?? ''}\n${r.stderr ?? ''}`.trim();
  const last = why.split('\n').filter(Boolean).at(-1) ?? `npm exited ${r.status}`;
  if (NETWORK.test(why)) return { skipped: `the npm registry is unreachable (${last})` };
  throw new Error(`npm install node-red@${NODE_RED_VERSION} failed: ${last}`);
}

/**
 * The flow: inject (once) → generator → price → even → total → count. Function nodes, as a
 * Node-RED user would write each step; the generator keeps at most `window` messages in flight
 * (Node-RED has no backpressure of its own), and `count` ends the run at the last output.
 */
export function pipelineFlow(count, window = 10_000) {
  const fn = (id, name, func, wires) => ({
    id,
    type: 'function',
    z: 'bench',
    name,
    func,
    outputs: 1,
    noerr: 0,
    initialize: '',
    finalize: '',
    libs: [],
    x: 0,
    y: 0,
    wires: [wires],
  });
  const generator = `
const N = ${count};
const bench = global.get('bench');
const keys = [];
for (let k = 0; k < ${KEYS}; k++) keys.push('k' + k);
let i = 0;
bench.start();
function burst() {
  const now = Date.now();
  while (i < N && i - 2 * bench.done < ${window}) {
    node.send({ key: keys[i % ${KEYS}], time: now, payload: { seq: i } });
    i++;
  }
  if (i < N) setTimeout(burst, 0);
}
burst();
return null;`;
  return [
    { id: 'bench', type: 'tab', label: 'Standard pipeline', disabled: false, info: '' },
    {
      id: 'inject',
      type: 'inject',
      z: 'bench',
      name: 'start',
      props: [{ p: 'payload' }],
      repeat: '',
      crontab: '',
      once: true,
      onceDelay: 0.1,
      topic: '',
      payload: '',
      payloadType: 'date',
      x: 0,
      y: 0,
      wires: [['generator']],
    },
    fn('generator', 'generator', generator, ['price']),
    fn('price', 'price', 'msg.payload = { seq: msg.payload.seq, amount: msg.payload.seq % 97 };\nreturn msg;', [
      'even',
    ]),
    fn('even', 'even', 'return msg.payload.seq % 2 === 0 ? msg : null;', ['total']),
    fn(
      'total',
      'total',
      `let totals = context.get('totals');
if (totals === undefined) context.set('totals', (totals = new Map()));
let acc = totals.get(msg.key);
if (acc === undefined) totals.set(msg.key, (acc = { count: 0, sum: 0 }));
acc.count++;
acc.sum += msg.payload.amount;
msg.payload = { key: msg.key, op: 'sum', value: acc.sum, count: acc.count };
return msg;`,
      ['count'],
    ),
    fn(
      'count',
      'count',
      `const bench = global.get('bench');\nbench.done++;\nif (bench.done === ${count / 2}) bench.finish();\nreturn null;`,
      [],
    ),
  ];
}

/** Runs the flow on `count` events; { eventsPerSec, seconds, cpuSeconds } or { skipped }. */
export async function runNodeRed(count, work) {
  const installed = ensureNodeRed();
  if (installed.skipped) return installed;
  const dir = path.join(work, 'node-red');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const flowFile = path.join(dir, 'flows.json');
  fs.writeFileSync(flowFile, JSON.stringify(pipelineFlow(count), null, 2));
  const out = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUNNER.pathname, installed.dir, dir, flowFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stderr += d)); // Node-RED logs to stdout
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const result = path.join(dir, 'result.json');
      if (code === 0 && fs.existsSync(result)) resolve(JSON.parse(fs.readFileSync(result, 'utf8')));
      else reject(new Error(`node-red run: exit ${code}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
  return { version: NODE_RED_VERSION, count, ...out, eventsPerSec: count / out.seconds };
}
