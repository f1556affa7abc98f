/**
 * Issue 16, item 3's last check, through the real CLI against the real servers: a sink on
 * orders@1 writes a SQLite table, a file, a PostgreSQL table and a JetStream subject; changing
 * the sinks to an incompatible orders@2 makes `sluice validate` name, on each sink, both versions
 * and the breaking change (exit 1); a compatible change (a NONE version) passes; a server that is
 * away is reported as not checked, never an error.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connect, type NatsConnection } from 'nats';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './sluiceCli.js';

const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const NATS_URL = 'nats://127.0.0.1:4222';
const RUN = `wc${process.pid}${Date.now().toString(36)}`;
const PG_TABLE = `orders_${RUN}`;
const STREAM = `ORDERS_${RUN}`.toUpperCase();
const SUBJECT = `written.${RUN}.orders`;

const V1 = {
  type: 'object',
  properties: { seq: { type: 'integer' }, amount: { type: 'number' } },
  required: ['seq', 'amount'],
};
// BACKWARD (the default) and a new required field: a consumer on v2 cannot read v1 events.
const V2 = {
  ...V1,
  properties: { ...V1.properties, currency: { type: 'string' } },
  required: ['seq', 'amount', 'currency'],
};
// The same change, declared NONE: no check.
const V3 = { ...V2, 'x-sluice': { compatibility: 'NONE' } };

let dir: string;
let graphFile: string;
let nc: NatsConnection;

function graph(contract: string, pgUrl = PG_URL): Record<string, unknown> {
  const sink = (id: string, type: string, y: number, config: Record<string, unknown>) => ({
    id,
    type,
    position: { x: 300, y },
    config: { ...config, contract },
  });
  return {
    format: 'sluice/graph',
    version: 1,
    name: 'Written',
    nodes: [
      { id: 'orders', type: 'source.file', position: { x: 0, y: 0 }, config: { path: 'orders.jsonl' } },
      sink('table', 'sink.sqlite', 0, { path: 'out/orders.db', table: 'orders' }),
      sink('log', 'sink.file', 100, { path: 'out/orders.jsonl' }),
      sink('pg', 'sink.postgres', 200, { url: pgUrl, table: PG_TABLE }),
      sink('bus', 'sink.nats', 300, { url: NATS_URL, subject: SUBJECT, stream: STREAM }),
    ],
    edges: ['table', 'log', 'pg', 'bus'].map((to) => ({
      id: `e-${to}`,
      from: { node: 'orders', port: 'out' },
      to: { node: to, port: 'in' },
    })),
  };
}

const write = (contract: string, pgUrl?: string): void =>
  fs.writeFileSync(graphFile, JSON.stringify(graph(contract, pgUrl), null, 2));

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-written-'));
  graphFile = path.join(dir, 'written.sluice.json');
  fs.mkdirSync(path.join(dir, 'schemas'));
  for (const [ref, schema] of [
    ['orders@1', V1],
    ['orders@2', V2],
    ['orders@3', V3],
  ] as const) {
    fs.writeFileSync(path.join(dir, 'schemas', `${ref}.schema.json`), JSON.stringify(schema, null, 2));
  }
  const lines = [1, 2, 3].map((seq) => JSON.stringify({ seq, amount: seq * 10 }));
  fs.writeFileSync(path.join(dir, 'orders.jsonl'), lines.join('\n') + '\n');
  nc = await connect({ servers: NATS_URL });
});

afterAll(async () => {
  const jsm = await nc.jetstreamManager();
  await jsm.streams.delete(STREAM).catch(() => false);
  await nc.close();
  const db = new pg.Client({ connectionString: PG_URL });
  await db.connect();
  await db.query(`DROP TABLE IF EXISTS "${PG_TABLE}"`);
  await db.query(`DELETE FROM _sluice_contracts WHERE tbl = $1`, [PG_TABLE]).catch(() => undefined);
  await db.end();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('a sink whose target holds events of an incompatible older version', () => {
  it('is an error on the sink naming both versions and the change; NONE passes; a server away is not checked', async () => {
    write('orders@1');
    expect((await runCli(['validate', graphFile])).code).toBe(0);
    const ran = await runCli(['run', graphFile], { timeoutMs: 90_000 });
    expect(ran.code, ran.stderr).toBe(0);

    // Each target recorded what wrote it.
    expect(fs.existsSync(path.join(dir, 'out', '.orders.jsonl.sluice-contracts.json'))).toBe(true);

    write('orders@2');
    const bad = await runCli(['validate', graphFile], { timeoutMs: 60_000 });
    expect(bad.code, bad.stdout + bad.stderr).toBe(1);
    const errors = bad.stderr.split('\n').filter((l) => l.startsWith('error:'));
    for (const [node, target] of [
      ['table', 'table orders of out/orders.db'],
      ['log', 'file out/orders.jsonl'],
      ['pg', `PostgreSQL table ${PG_TABLE}`],
      ['bus', `NATS subject ${SUBJECT}`],
    ]) {
      const line = errors.find((l) => l.includes(`"${node}"`));
      expect(line, `${node}: ${bad.stderr}`).toBeDefined();
      expect(line).toContain(`writes orders@2 into ${target}, which holds orders@1 events`);
      expect(line).toContain('orders@2 is not BACKWARD compatible with orders@1');
      expect(line).toContain('a consumer on v2 cannot read v1 events');
      expect(line).toMatch(/currency/);
    }
    expect(bad.stderr).not.toMatch(/at .*\.js:\d/);

    // A version declared NONE: the same change, no check.
    write('orders@3');
    const none = await runCli(['validate', graphFile], { timeoutMs: 60_000 });
    expect(none.code, none.stdout + none.stderr).toBe(0);

    // The PostgreSQL server away: an info, not an error; the other sinks are still checked.
    write('orders@2', `postgres://postgres@127.0.0.1:${await closedPort()}/test`);
    const away = await runCli(['validate', graphFile], { timeoutMs: 60_000 });
    expect(away.code).toBe(1);
    const info = away.stdout.split('\n').find((l) => l.startsWith('info:') && l.includes('"pg"'));
    expect(info, away.stdout + away.stderr).toMatch(/could not check which contracts PostgreSQL table \S+ holds: .+/);
    expect(away.stderr).not.toContain('"pg"');
    expect(away.stderr.split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(3);
  });

  it('a fresh run that empties the target forgets the older version', async () => {
    const lines = [4, 5].map((seq) => JSON.stringify({ seq, amount: seq, currency: 'EUR' }));
    fs.writeFileSync(path.join(dir, 'orders.jsonl'), lines.join('\n') + '\n');
    // The file is emptied by --fresh (its sink restarts it): only the file sink, on orders@2.
    const only = graph('orders@2') as {
      nodes: Array<{ id: string }>;
      edges: Array<{ to: { node: string } }>;
    };
    only.nodes = only.nodes.filter((n) => n.id === 'orders' || n.id === 'log');
    only.edges = only.edges.filter((e) => e.to.node === 'log');
    fs.writeFileSync(graphFile, JSON.stringify(only, null, 2));
    const ran = await runCli(['run', '--fresh', graphFile], { timeoutMs: 90_000 });
    expect(ran.code, ran.stderr).toBe(0);
    const ok = await runCli(['validate', graphFile]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
  });
});
