/**
 * Issue 16, item 8 on a broker, through the real CLI against the real NATS JetStream on 4222: the
 * CQRS commands on JetStream graph checks commands against their contract and appends order
 * events (and last year's v1 events) to a JetStream stream; the projection replays the stream
 * from the start, upcasting the v1 events, and upserts the orders table, following the stream as
 * more commands come; rebuilding it (an empty table, `sluice run --fresh`) ends with the same
 * table. The expected table is the file variant's (cqrs-commands + cqrs-projection) on the same
 * data. Each run of this test has a stream and subjects of its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_HEADER } from '../../engine/contracts/common/writtenContract.js';
import { linesOf, REPO, runCli } from './sluiceCli.js';

const EXAMPLES = path.join(REPO, 'assets', 'examples');
const NATS_URL = 'nats://127.0.0.1:4222';
const RUN = `${process.pid}${Date.now().toString(36)}`.toUpperCase();
const STREAM = `ORDER_EVENTS_${RUN}`;
const SUBJECTS = `orders.${RUN}.events`;
const TEMPLATES = ['cqrs-commands', 'cqrs-projection', 'cqrs-jetstream-commands', 'cqrs-jetstream-projection'] as const;

let dir: string;
let nc: NatsConnection;
const graph = (id: (typeof TEMPLATES)[number]): string => path.join(dir, `${id}.sluice.json`);

interface Row {
  key: string;
  time: number;
  value: string;
}

/** The orders table of `db` (in out/), or null while it cannot be read yet. */
function table(db: string): Row[] | null {
  const file = path.join(dir, 'out', db);
  if (!fs.existsSync(file)) return null;
  try {
    const d = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    try {
      return d.prepare('SELECT key, time, value FROM orders ORDER BY key').all() as Row[];
    } finally {
      d.close();
    }
  } catch {
    return null; // not created yet, or mid-write
  }
}

const sameAs = (expected: Row[]) => (): boolean =>
  JSON.stringify(table('orders-jetstream.db')) === JSON.stringify(expected);

async function run(id: (typeof TEMPLATES)[number], ...flags: string[]): Promise<string> {
  const r = await runCli(['run', graph(id), ...flags], { timeoutMs: 90_000 });
  expect(r.stderr).not.toMatch(/at .*\.js:\d/);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout + r.stderr;
}

/** The projection, stopped (SIGINT: a final checkpoint) once its table is `expected`. */
async function projectUntil(expected: Row[], ...flags: string[]): Promise<void> {
  const r = await runCli(['run', graph('cqrs-jetstream-projection'), ...flags], {
    killWhen: sameAs(expected),
    killSignal: 'SIGINT',
    timeoutMs: 120_000,
  });
  expect(r.stderr).not.toMatch(/at .*\.js:\d/);
  expect(r.killed, `the projection never reached the expected table: ${r.stderr}`).toBe(true);
  expect(r.code, r.stderr).toBe(0);
  expect(table('orders-jetstream.db')).toEqual(expected);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-cqrs-js-'));
  for (const id of TEMPLATES) {
    const text = fs
      .readFileSync(path.join(EXAMPLES, `${id}.sluice.json`), 'utf8')
      .replaceAll('ORDER_EVENTS', STREAM)
      .replaceAll('orders.events', SUBJECTS);
    fs.writeFileSync(graph(id), text);
  }
  fs.cpSync(path.join(EXAMPLES, 'schemas'), path.join(dir, 'schemas'), { recursive: true });
  fs.cpSync(path.join(EXAMPLES, 'data', 'cqrs'), path.join(dir, 'data', 'cqrs'), { recursive: true });
  nc = await connect({ servers: NATS_URL });
});

afterAll(async () => {
  const jsm = await nc.jetstreamManager();
  await jsm.streams.delete(STREAM).catch(() => false);
  await nc.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the CQRS + event-sourcing templates on JetStream', () => {
  it('validate, and name NATS as the server they need', async () => {
    for (const id of ['cqrs-jetstream-commands', 'cqrs-jetstream-projection'] as const) {
      const v = await runCli(['validate', graph(id)]);
      expect(v.code, v.stdout + v.stderr).toBe(0);
    }
    const index = JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'index.json'), 'utf8')) as Array<{
      id: string;
      requires?: Array<{ name: string; port: number }>;
    }>;
    for (const id of ['cqrs-jetstream-commands', 'cqrs-jetstream-projection']) {
      expect(index.find((e) => e.id === id)?.requires).toEqual([{ name: 'NATS', port: 4222 }]);
    }
  });

  it('follow the stream as commands come, upcast v1 events, and a rebuild from the stream ends with the same table', async () => {
    // The expected table: the file variant on all the commands.
    await run('cqrs-commands');
    await run('cqrs-projection');
    const expected = table('orders.db')!;
    expect(expected).toHaveLength(8 + 12);

    // 1. The first commands only: the rest arrive while the projection runs.
    const commandsFile = path.join(dir, 'data', 'cqrs', 'commands.jsonl');
    const all = linesOf(fs.readFileSync(commandsFile, 'utf8'));
    fs.writeFileSync(commandsFile, all.slice(0, 8).join('\n') + '\n');
    await run('cqrs-jetstream-commands');

    // The stream holds both versions, each message naming its contract.
    const jsm = await nc.jetstreamManager();
    const first = await jsm.streams.getMessage(STREAM, { seq: 1 });
    expect(first.header.get(CONTRACT_HEADER)).toMatch(/^order-event@[12]$/);
    const info = await jsm.streams.info(STREAM);
    const contracts = new Set<string>();
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      contracts.add((await jsm.streams.getMessage(STREAM, { seq })).header.get(CONTRACT_HEADER));
    }
    expect([...contracts].sort()).toEqual(['order-event@1', 'order-event@2']);

    // 2. The projection follows the stream; more commands come while it runs.
    const projecting = projectUntil(expected);
    await expect
      .poll(() => (table('orders-jetstream.db') ?? []).length, { timeout: 60_000, interval: 200 })
      .toBeGreaterThan(8);
    fs.appendFileSync(commandsFile, all.slice(8).join('\n') + '\n');
    expect(await run('cqrs-jetstream-commands')).toMatch(/resuming from checkpoint/);
    await projecting;

    // The invalid command (quantity 0) is a dead letter naming its field; v1 events were upcast.
    const letters = await runCli(['dead-letters', path.join(dir, '.sluice', 'CQRS commands on JetStream.db')]);
    expect(letters.stdout).toContain('order-command@1');
    expect(letters.stdout).toContain('o-199');
    const live = table('orders-jetstream.db')!;
    const byKey = new Map(live.map((r) => [r.key, JSON.parse(r.value) as Record<string, unknown>]));
    expect(byKey.get('o-2')).toMatchObject({ status: 'placed', amountCents: 3675 });
    expect(byKey.get('o-3')).toMatchObject({ status: 'cancelled', reason: 'not recorded (v1)' });

    // 3. Rebuild: the table dropped, the stream replayed from the start.
    for (const f of ['', '-wal', '-shm']) fs.rmSync(path.join(dir, 'out', `orders-jetstream.db${f}`), { force: true });
    await projectUntil(live, '--fresh');
  }, 300_000);
});
