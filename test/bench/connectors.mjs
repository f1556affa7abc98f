// Connector throughput (issue 14, item 7): `npm run bench` or `node scripts/bench.mjs connectors`.
// For NATS JetStream and Redis Streams on the local servers, one stream of COUNT JSON messages
// is drained into a JSON Lines file twice, back to back:
//   - a plain client loop (the same client library, batches of 1,024, the same map, a buffered
//     write stream, fsync at the end), in this process;
//   - Sluice through the bundled CLI: source.<platform> → map → sink.file, checkpoints every 1 s.
// Both are timed end to end, from start (spawn for Sluice: start-up, workers and connecting
// included) to the moment the file holds every line, and the ratio is Sluice ÷ plain loop.
// Env: BENCH_CONNECTORS_COUNT (300,000), BENCH_REPEAT (1). Servers: NATS 127.0.0.1:4222 with
// JetStream, Redis 127.0.0.1:6379; a platform whose server is not running is skipped with a note.
// Prints one JSON object and writes test-results/bench-connectors.json.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AckPolicy, connect, DeliverPolicy } from 'nats';
import { createClient } from 'redis';
import { CLI, ROOT, median, requireBuild, round } from './lib/runCli.mjs';

const COUNT = Number(process.env.BENCH_CONNECTORS_COUNT ?? 300_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 1);
const MAP = '({ ...value, doubled: value.i * 2 })';
const mapValue = (value) => ({ ...value, doubled: value.i * 2 });
const tag = Math.random().toString(36).slice(2, 8);

requireBuild();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-connectors-'));
const loadAtStart = os.loadavg().map((x) => round(x, 2));

/** A file sink for the plain loops: buffered appends, fsync at the end (as sink.file commits). */
function lineFile(file) {
  const fd = fs.openSync(file, 'w');
  let buf = [];
  let size = 0;
  return {
    write(line) {
      buf.push(line);
      size += line.length;
      if (size > 1 << 20) this.flush();
    },
    flush() {
      if (buf.length) fs.writeSync(fd, buf.join(''));
      buf = [];
      size = 0;
    },
    close() {
      this.flush();
      fs.fsyncSync(fd);
      fs.closeSync(fd);
    },
  };
}

/** Resolves when `file` holds `n` lines; counts new bytes every 20 ms. */
function whenLines(file, n, timeoutMs = 600_000) {
  return new Promise((resolve, reject) => {
    let offset = 0;
    let lines = 0;
    const end = Date.now() + timeoutMs;
    const tick = () => {
      try {
        const fd = fs.openSync(file, 'r');
        const size = fs.fstatSync(fd).size;
        if (size > offset) {
          const b = Buffer.alloc(size - offset);
          fs.readSync(fd, b, 0, b.length, offset);
          offset = size;
          for (let i = 0; i < b.length; i++) if (b[i] === 10) lines++;
        }
        fs.closeSync(fd);
      } catch {
        // not created yet
      }
      if (lines >= n) resolve(performance.now());
      else if (Date.now() > end) reject(new Error(`${file}: ${lines} of ${n} lines after ${timeoutMs} ms`));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

/** Sluice: spawn the CLI on `source → map → sink.file`, time to the last line, then SIGINT. */
async function sluice(name, source) {
  const dir = path.join(work, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const graph = {
    format: 'sluice/graph',
    version: 1,
    name,
    settings: { checkpointIntervalMs: 1000 },
    nodes: [
      { id: 'in', ...source },
      { id: 'map', type: 'map', config: { expression: MAP } },
      { id: 'out', type: 'sink.file', config: { path: 'out.jsonl' } },
    ],
    edges: [
      { id: 'e1', from: { node: 'in', port: 'out' }, to: { node: 'map', port: 'in' } },
      { id: 'e2', from: { node: 'map', port: 'out' }, to: { node: 'out', port: 'in' } },
    ],
  };
  const file = path.join(dir, 'graph.sluice.json');
  fs.writeFileSync(file, JSON.stringify(graph));
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, 'run', file, '--state', path.join(dir, 'state.db')], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const exited = new Promise((r) => child.once('exit', r));
  try {
    const t1 = await Promise.race([
      whenLines(path.join(dir, 'out.jsonl'), COUNT),
      exited.then(() => {
        throw new Error(`sluice exited early: ${stderr}`);
      }),
    ]);
    return (t1 - t0) / 1000;
  } finally {
    child.kill('SIGINT');
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function natsBench() {
  const nc = await connect({ servers: '127.0.0.1:4222' });
  const jsm = await nc.jetstreamManager();
  const stream = `BENCH_${tag}`;
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
  try {
    const js = nc.jetstream();
    const enc = new TextEncoder();
    for (let i = 0; i < COUNT; i += 1000) {
      const acks = [];
      for (let j = i; j < Math.min(COUNT, i + 1000); j++) {
        acks.push(
          js.publish(`${stream}.x`, enc.encode(JSON.stringify({ i: j, customer: `c${j % 100}`, amount: j % 977 }))),
        );
      }
      await Promise.all(acks);
    }
    const plain = async () => {
      const file = path.join(work, 'plain-nats.jsonl');
      const t0 = performance.now();
      const c = await connect({ servers: '127.0.0.1:4222' });
      const info = await c
        .jetstreamManager()
        .then((m) =>
          m.consumers.add(stream, { ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.All, mem_storage: true }),
        );
      const consumer = await c.jetstream().consumers.get(stream, info.name);
      const out = lineFile(file);
      let n = 0;
      while (n < COUNT) {
        const batch = await consumer.fetch({ max_messages: 1024, expires: 1000 });
        for await (const m of batch) {
          out.write(JSON.stringify(mapValue(JSON.parse(m.string()))) + '\n');
          n++;
        }
      }
      out.close();
      await c.close();
      fs.rmSync(file, { force: true });
      return (performance.now() - t0) / 1000;
    };
    return await pairs(plain, () =>
      sluice('nats', { type: 'source.nats', config: { url: 'nats://127.0.0.1:4222', stream } }),
    );
  } finally {
    await jsm.streams.delete(stream).catch(() => {});
    await nc.close();
  }
}

async function redisBench() {
  const client = createClient({ url: 'redis://127.0.0.1:6379' });
  await client.connect();
  const stream = `bench-${tag}`;
  try {
    for (let i = 0; i < COUNT; i += 1000) {
      const m = client.multi();
      for (let j = i; j < Math.min(COUNT, i + 1000); j++) {
        m.xAdd(stream, '*', { payload: JSON.stringify({ i: j, customer: `c${j % 100}`, amount: j % 977 }) });
      }
      await m.exec();
    }
    const plain = async () => {
      const file = path.join(work, 'plain-redis.jsonl');
      const t0 = performance.now();
      const c = createClient({ url: 'redis://127.0.0.1:6379' });
      await c.connect();
      const out = lineFile(file);
      let last = '0';
      let n = 0;
      while (n < COUNT) {
        const reply = await c.sendCommand(['XREAD', 'COUNT', '1024', 'BLOCK', '500', 'STREAMS', stream, last]);
        for (const [id, fields] of reply?.[0]?.[1] ?? []) {
          last = id;
          out.write(JSON.stringify(mapValue(JSON.parse(fields[1]))) + '\n');
          n++;
        }
      }
      out.close();
      await c.close();
      fs.rmSync(file, { force: true });
      return (performance.now() - t0) / 1000;
    };
    return await pairs(plain, () =>
      sluice('redis', { type: 'source.redis', config: { url: 'redis://127.0.0.1:6379', stream } }),
    );
  } finally {
    await client.del(stream);
    await client.close();
  }
}

/** REPEAT rounds of (plain, Sluice) back to back; medians. */
async function pairs(plain, sl) {
  const rounds = [];
  for (let r = 0; r < REPEAT; r++) {
    const p = await plain();
    const s = await sl();
    rounds.push({ plainSeconds: round(p, 2), sluiceSeconds: round(s, 2), ratio: round(p / s, 3) });
    console.error(`  round ${r + 1}: plain ${p.toFixed(2)} s, Sluice ${s.toFixed(2)} s, ratio ${(p / s).toFixed(3)}`);
  }
  const ratio = median(rounds.map((x) => x.ratio));
  return {
    plainLoopEventsPerSec: Math.round(COUNT / median(rounds.map((x) => x.plainSeconds))),
    sluiceEventsPerSec: Math.round(COUNT / median(rounds.map((x) => x.sluiceSeconds))),
    ratio: round(ratio, 3),
    met: ratio >= 0.75,
    rounds,
  };
}

const platforms = {};
for (const [name, bench] of [
  ['nats', natsBench],
  ['redis', redisBench],
]) {
  console.error(`${name}:`);
  try {
    platforms[name] = await bench();
  } catch (e) {
    console.error(`${name} skipped: ${e.message}`);
    platforms[name] = { skipped: e.message };
  }
}
fs.rmSync(work, { recursive: true, force: true });

const result = {
  name: 'connectors',
  at: new Date().toISOString(),
  machine: { cpus: os.availableParallelism(), node: process.version, loadAverageAtStart: loadAtStart },
  count: COUNT,
  repeat: REPEAT,
  checkpointIntervalMs: 1000,
  platforms,
};
fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'test-results', 'bench-connectors.json'), JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
process.exit(0);
