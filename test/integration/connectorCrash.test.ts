/**
 * Issue 14, item 5: SIGKILL a `sluice run` reading NATS JetStream and Redis Streams at seeded
 * random moments, restart at once, five times, then run to the end. The transactional sink
 * sinks (sink.file, sink.postgres) must hold every event exactly once, and the broker sinks (sink.nats, sink.redis)
 * must end with each event once, counted with the broker's own view: the stream's message
 * count and distinct Nats-Msg-Id / XLEN and distinct ids.
 *
 * A throttle paces the graph so each run takes a few seconds: the kills land mid-stream, while
 * checkpoints are being taken and the outboxes are being sent. SLUICE_CRASH_SEED replays one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AckPolicy, DeliverPolicy, type NatsConnection } from 'nats';
import pg from 'pg';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStream,
  deleteStream,
  NATS_URL,
  natsClient,
  publishJson,
  suffix,
  waitFor,
} from '../unit/engine/connectors/brokerTestKit.js';
import { CLI, mulberry32, REPO, writeGraph } from './sluiceCli.js';

const KILLS = 5;
const COUNT = 8000;
const RATE = 1000;
const SEED = Number(process.env['SLUICE_CRASH_SEED'] ?? 0xc0ffee);
const REDIS_URL = 'redis://127.0.0.1:6379';
const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

let root: string;
const children: ChildProcess[] = [];
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-conn-crash-'));
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
});

function pipeline(name: string, source: object, brokerSink: object, table?: string): object {
  return {
    format: 'sluice/graph',
    version: 1,
    name,
    settings: { checkpointIntervalMs: 150 },
    nodes: [
      { id: 'in', ...source },
      { id: 'pace', type: 'throttle', config: { ratePerSec: RATE } },
      { id: 'file', type: 'sink.file', config: { path: 'out.jsonl', envelope: true } },
      { id: 'broker', ...brokerSink },
      ...(table ? [{ id: 'pg', type: 'sink.postgres', config: { url: PG_URL, table } }] : []),
    ],
    edges: [
      { id: 'e1', from: { node: 'in', port: 'out' }, to: { node: 'pace', port: 'in' } },
      { id: 'e2', from: { node: 'pace', port: 'out' }, to: { node: 'file', port: 'in' } },
      { id: 'e3', from: { node: 'pace', port: 'out' }, to: { node: 'broker', port: 'in' } },
      ...(table ? [{ id: 'e4', from: { node: 'pace', port: 'out' }, to: { node: 'pg', port: 'in' } }] : []),
    ],
  };
}

function spawnRun(graphPath: string): { child: ChildProcess; exited: Promise<void>; stderr: () => string } {
  const child = spawn(process.execPath, [CLI, 'run', graphPath], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return { child, exited, stderr: () => err };
}

const fileIds = (file: string): string[] =>
  fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { id: string }).id)
    : [];

/**
 * Kill the run `KILLS` times at random moments (each after the run committed something new),
 * restarting at once each time; then a last run until `done` holds, stopped by
 * SIGINT (final checkpoint, exit 0).
 */
async function killAndRestart(
  graphPath: string,
  progress: () => number,
  done: () => Promise<boolean>,
  random: () => number,
): Promise<void> {
  const seen: number[] = [];
  for (let k = 0; k < KILLS; k++) {
    const before = progress();
    const run = spawnRun(graphPath);
    // Each run is killed after it has committed something new, at a random moment within 0.25 s.
    await waitFor(() => progress() > before, 30_000, `run ${k + 1} to make progress`);
    await new Promise((r) => setTimeout(r, random() * 250));
    run.child.kill('SIGKILL');
    await run.exited;
    seen.push(progress());
    if (process.env['SLUICE_CRASH_VERBOSE']) console.log(`kill ${k + 1}: ${progress()} events; ${run.stderr().trim()}`);
  }
  if (process.env['SLUICE_CRASH_VERBOSE']) console.log(`events in the file after each kill: ${seen.join(', ')}`);
  // The kills landed mid-stream, not after the end.
  expect(seen[seen.length - 1]).toBeLessThan(COUNT);
  const last = spawnRun(graphPath);
  await waitFor(done, 60_000, 'the last run to deliver everything');
  last.child.kill('SIGINT');
  await last.exited;
  expect(last.child.exitCode, last.stderr()).toBe(0);
}

describe('SIGKILL at random moments, restart at once', () => {
  it(`NATS JetStream → sink.file + sink.nats + sink.postgres: every event exactly once after ${KILLS} kills`, async () => {
    const nc: NatsConnection = await natsClient();
    const tag = suffix();
    const TABLE = `crash_${tag}`;
    const db = new pg.Client({ connectionString: PG_URL });
    await db.connect();
    const rows = async (): Promise<number> => {
      try {
        return Number((await db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM "${TABLE}"`)).rows[0]!.n);
      } catch {
        return 0;
      }
    };
    const IN = `CIN_${tag}`;
    const OUT = `COUT_${tag}`;
    try {
      await createStream(nc, IN, [`${IN}.>`]);
      await publishJson(
        nc,
        `${IN}.x`,
        Array.from({ length: COUNT }, (_, i) => ({ i })),
      );
      const dir = path.join(root, 'nats');
      const graphPath = writeGraph(
        dir,
        pipeline(
          'crash nats',
          { type: 'source.nats', config: { url: NATS_URL, stream: IN } },
          { type: 'sink.nats', config: { url: NATS_URL, subject: `${OUT}.out`, stream: OUT } },
          TABLE,
        ),
      );
      const jsm = await nc.jetstreamManager();
      const outCount = async (): Promise<number> => {
        try {
          return (await jsm.streams.info(OUT)).state.messages;
        } catch {
          return 0;
        }
      };
      const file = path.join(dir, 'out.jsonl');
      await killAndRestart(
        graphPath,
        () => fileIds(file).length,
        async () => fileIds(file).length >= COUNT && (await outCount()) >= COUNT && (await rows()) >= COUNT,
        mulberry32(SEED),
      );
      const ids = fileIds(file);
      expect(ids).toHaveLength(COUNT);
      expect(new Set(ids).size).toBe(COUNT);
      expect(await outCount()).toBe(COUNT);
      // The broker's own view of what the sink sent: every Nats-Msg-Id once.
      const info = await jsm.consumers.add(OUT, { ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.All });
      const consumer = await nc.jetstream().consumers.get(OUT, info.name);
      const msgIds = new Set<string>();
      while (msgIds.size < COUNT) {
        const batch = await consumer.fetch({ max_messages: 1000, expires: 2000 });
        let n = 0;
        for await (const m of batch) {
          n++;
          msgIds.add(m.headers?.get('Nats-Msg-Id') ?? '');
        }
        if (n === 0) break;
      }
      expect(msgIds).toEqual(new Set(ids));
      // PostgreSQL: rows and commit record in one transaction, so each event is one row.
      expect(await rows()).toBe(COUNT);
      const distinct = await db.query<{ n: string }>(`SELECT COUNT(DISTINCT value) AS n FROM "${TABLE}"`);
      expect(Number(distinct.rows[0]!.n)).toBe(COUNT);
    } finally {
      await db.query(`DROP TABLE IF EXISTS "${TABLE}"`);
      await db.end();
      await deleteStream(nc, IN);
      await deleteStream(nc, OUT);
      await nc.close();
    }
  }, 150_000);

  it(`Redis Streams → sink.file + sink.redis: every event exactly once after ${KILLS} kills`, async () => {
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    const tag = suffix();
    const IN = `cin-${tag}`;
    const OUT = `cout-${tag}`;
    try {
      for (let i = 0; i < COUNT; i += 500) {
        const m = client.multi();
        for (let j = i; j < Math.min(COUNT, i + 500); j++) m.xAdd(IN, '*', { payload: JSON.stringify({ i: j }) });
        await m.exec();
      }
      const dir = path.join(root, 'redis');
      const graphPath = writeGraph(
        dir,
        pipeline(
          'crash redis',
          { type: 'source.redis', config: { url: REDIS_URL, stream: IN } },
          { type: 'sink.redis', config: { url: REDIS_URL, stream: OUT } },
        ),
      );
      const file = path.join(dir, 'out.jsonl');
      await killAndRestart(
        graphPath,
        () => fileIds(file).length,
        async () => fileIds(file).length >= COUNT && (await client.xLen(OUT)) >= COUNT,
        mulberry32(SEED + 1),
      );
      const ids = fileIds(file);
      expect(ids).toHaveLength(COUNT);
      expect(new Set(ids).size).toBe(COUNT);
      expect(await client.xLen(OUT)).toBe(COUNT);
      const entries = await client.xRange(OUT, '-', '+');
      expect(new Set(entries.map((e) => e.message['id']))).toEqual(new Set(ids));
    } finally {
      await client.del([IN, OUT, `${OUT}:sluice-commits`]);
      await client.close();
    }
  }, 150_000);
});
