// `npm run bench` part "group" (issue 15): a group of `sluice run --group` processes on a private
// nats-server. Measures (1) throughput of a keyed count over 12 partitions with 1, 2 and 3
// members (from spawn to the end), (2) the time until a SIGKILLed member's partitions are owned
// again, (3) the time a joining member takes to get its share. Writes test-results/bench-group.json.
//
// On this 2-core machine the total cannot grow with members: the figure shows the protocol's
// overhead (leases, fenced checkpoints in JetStream), not scaling. In this mode every partition
// reads the whole replayable source and keeps its keys, so source work is partitions × events.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connect } from 'nats';

const CLI = path.resolve('dist/cli.js');
const PARTITIONS = 12;
const TTL = 3000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-group-'));

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what, check, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const port = await freePort();
const server = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', path.join(dir, 'js')], {
  stdio: 'ignore',
});
const url = `nats://127.0.0.1:${port}`;
let nc;
await waitFor('nats-server', async () => {
  try {
    nc = await connect({ servers: url, reconnect: false });
    return true;
  } catch {
    return false;
  }
});
const dec = new TextDecoder();
const children = [];

function graphFile(name, generator) {
  const file = path.join(dir, `${name}.sluice.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({
      format: 'sluice/graph',
      version: 1,
      name,
      settings: { checkpointIntervalMs: 1000, partitions: PARTITIONS },
      nodes: [
        { id: 'gen', type: 'source.generator', config: generator },
        { id: 'agg', type: 'aggregate', config: { op: 'count' } },
        { id: 'out', type: 'sink.discard', config: {} },
      ],
      edges: [
        { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'agg', port: 'in' } },
        { id: 'e2', from: { node: 'agg', port: 'out' }, to: { node: 'out', port: 'in' } },
      ],
    }),
  );
  return file;
}

function member(graph, group) {
  const child = spawn(process.execPath, [CLI, 'run', graph, '--group', group, '--url', url], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, SLUICE_LEASE_TTL_MS: String(TTL), SLUICE_HEARTBEAT_MS: '500' },
  });
  children.push(child);
  const m = { child, err: '', exited: new Promise((r) => child.once('exit', r)) };
  child.stderr.setEncoding('utf8').on('data', (d) => (m.err += d));
  return m;
}
const idOf = (m) => /joined as (\S+)/.exec(m.err)?.[1];

/** Owner of each partition with a live lease (server time judged by entry age on this machine). */
async function owners(group) {
  const kv = await nc.jetstream().views.kv(`sluice-group-${group}`);
  const out = new Map();
  for (let p = 0; p < PARTITIONS; p++) {
    const e = await kv.get(`lease.${p}`);
    if (!e || e.operation !== 'PUT') continue;
    const l = JSON.parse(dec.decode(e.value));
    if (l.owner && Date.now() - e.created.getTime() <= l.ttlMs) out.set(p, l.owner);
  }
  return out;
}
async function allEnded(group) {
  const kv = await nc.jetstream().views.kv(`sluice-state-${group}`);
  for (let p = 0; p < PARTITIONS; p++) {
    const e = await kv.get(`partition.${p}`);
    if (!e || e.operation !== 'PUT') return false;
    const r = JSON.parse(dec.decode(e.value));
    if (!r.checkpoint?.ended) return false;
  }
  return true;
}
async function leave(ms) {
  for (const m of ms) if (m.child.exitCode === null) m.child.kill('SIGTERM');
  for (const m of ms) await m.exited;
}

const results = {
  partitions: PARTITIONS,
  leaseTtlMs: TTL,
  heartbeatMs: 500,
  throughput: [],
  loadAtStart: +os.loadavg()[0].toFixed(1),
};

// 1. Throughput with 1, 2, 3 members: from spawning them to every partition ended. Three rounds, the
// member counts interleaved, so a burst of load from elsewhere does not land on one count only;
// the median is reported.
const EVENTS = 240_000;
const runs = { 1: [], 2: [], 3: [] };
for (let round = 0; round < 3; round++) {
  for (const n of [1, 2, 3]) {
    const group = `tp${n}-${round}-${Date.now()}`;
    const graph = graphFile(`tp${n}`, { count: EVENTS, keys: 240 });
    // From spawn (process start and the rebalances while members join included): members
    // that join later find partitions already under way, so timing from "all owned" flatters
    // larger groups.
    const t0 = performance.now();
    const ms = Array.from({ length: n }, () => member(graph, group));
    await waitFor('all ended', () => allEnded(group), 600_000);
    const s = (performance.now() - t0) / 1000;
    await leave(ms);
    runs[n].push(s);
    console.log(
      `${n} member(s), round ${round + 1}: ${EVENTS} events over ${PARTITIONS} partitions in ${s.toFixed(2)} s`,
    );
  }
}
for (const n of [1, 2, 3]) {
  const sorted = [...runs[n]].sort((a, b) => a - b);
  const median = sorted[1];
  results.throughput.push({
    members: n,
    events: EVENTS,
    seconds: +median.toFixed(2),
    eventsPerSec: Math.round(EVENTS / median),
    rounds: runs[n].map((x) => +x.toFixed(2)),
  });
  console.log(`${n} member(s): median ${median.toFixed(2)} s = ${Math.round(EVENTS / median)} ev/s`);
}

// 2. Rebalance after SIGKILL: 3 members on a long rate-limited run; kill one.
{
  const group = `kill-${Date.now()}`;
  const graph = graphFile('kill', { ratePerSec: 1000, keys: 120 });
  const ms = [member(graph, group), member(graph, group), member(graph, group)];
  await waitFor(
    '3 owners',
    async () => new Set((await owners(group)).values()).size === 3 && (await owners(group)).size === PARTITIONS,
  );
  await sleep(2000);
  const victim = ms[2];
  const vid = idOf(victim);
  const t0 = performance.now();
  victim.child.kill('SIGKILL');
  await waitFor('takeover', async () => {
    const o = await owners(group);
    return o.size === PARTITIONS && [...o.values()].every((x) => x !== vid);
  });
  results.rebalanceAfterKillMs = Math.round(performance.now() - t0);
  console.log(`rebalance after SIGKILL: ${results.rebalanceAfterKillMs} ms (lease TTL ${TTL} ms)`);

  // 3. Rebalance after a join: a fourth process joins the two left.
  const t1 = performance.now();
  const c = member(graph, group);
  const cid = await waitFor('joined', () => idOf(c));
  const tJoined = performance.now();
  await waitFor('its share', async () => [...(await owners(group)).values()].filter((x) => x === cid).length === 4);
  results.rebalanceAfterJoinMs = Math.round(performance.now() - tJoined);
  results.joinFromSpawnMs = Math.round(performance.now() - t1);
  console.log(
    `rebalance after a join: ${results.rebalanceAfterJoinMs} ms after it joined (${results.joinFromSpawnMs} ms from spawn)`,
  );
  await leave([ms[0], ms[1], c]);
}

results.loadAtEnd = +os.loadavg()[0].toFixed(1);
await nc.close();
server.kill('SIGKILL');
for (const ch of children) if (ch.exitCode === null) ch.kill('SIGKILL');
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync('test-results', { recursive: true });
fs.writeFileSync('test-results/bench-group.json', JSON.stringify(results, null, 2));
console.log(JSON.stringify(results));
