/**
 * The connector templates (assets/examples) through the real CLI against the local servers:
 * NATS order feed → NATS fan-out with a dead-letter subject, and Redis readings into
 * PostgreSQL. Each copy gets its streams, subjects and tables renamed with a random suffix,
 * because other test runs use the same servers at the same time. A template whose server is not
 * running fails with one line that says so.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createClient } from 'redis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  deleteStream,
  freePort,
  natsClient,
  streamMessages,
  suffix,
  waitFor,
} from '../unit/engine/connectors/brokerTestKit.js';
import { CLI, REPO, runCli } from './sluiceCli.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-conn-templates-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The template's text with names replaced (`ORDERS` → `ORDERS_x1y2`), written into its own folder. */
function copyTemplate(
  id: string,
  rename: Array<[RegExp, string]>,
  edit?: (g: Record<string, unknown>) => void,
): string {
  let text = fs.readFileSync(path.join(REPO, 'assets/examples', `${id}.sluice.json`), 'utf8');
  for (const [from, to] of rename) text = text.replace(from, to);
  const graph = JSON.parse(text) as Record<string, unknown>;
  edit?.(graph);
  const dir = path.join(work, `${id}-${suffix()}`);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${id}.sluice.json`);
  fs.writeFileSync(file, JSON.stringify(graph));
  return file;
}

/** Run until `done`, then SIGINT; the exit code. */
async function runUntilDone(
  file: string,
  done: () => Promise<boolean>,
  env: Record<string, string> = {},
): Promise<number | null> {
  const child = spawn(process.execPath, [CLI, 'run', file], {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const doneOrEnded = async (): Promise<boolean> => {
      if (child.exitCode !== null) throw new Error(`the run ended early (exit ${child.exitCode})`);
      return done();
    };
    await waitFor(doneOrEnded, 60_000, `${path.basename(file)} to deliver`);
  } catch (error) {
    throw new Error(`${(error as Error).message}; stderr: ${err}`);
  } finally {
    child.kill('SIGINT');
  }
  return exited;
}

type Nodes = Array<{ type: string; config: Record<string, unknown> }>;

describe('connector templates against the local servers', () => {
  it('NATS order feed, then NATS fan-out with a dead-letter subject', async () => {
    const s = suffix();
    const rename: Array<[RegExp, string]> = [
      [/ORDERS/g, `ORDERS_${s}`],
      [/orders\./g, `orders_${s}.`],
    ];
    const nc = await natsClient();
    try {
      const feed = copyTemplate('nats-order-feed', rename, (g) => {
        const gen = (g.nodes as Nodes).find((n) => n.type === 'source.generator')!;
        gen.config.count = 200;
        delete gen.config.ratePerSec;
      });
      const r = await runCli(['run', feed], { timeoutMs: 60_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(await streamMessages(nc, `ORDERS_${s}`)).toBe(200);

      const fanout = copyTemplate('nats-fanout-dead-letters', rename);
      const routed = async (): Promise<number> => streamMessages(nc, `ORDERS_${s}_ROUTED`).catch(() => 0);
      const dead = async (): Promise<number> => streamMessages(nc, `ORDERS_${s}_DEAD`).catch(() => 0);
      const code = await runUntilDone(fanout, async () => (await routed()) >= 180 && (await dead()) >= 20);
      expect(code).toBe(0);
      expect(await routed()).toBe(180);
      expect(await dead()).toBe(20);
    } finally {
      for (const x of ['', '_ROUTED', '_DEAD']) await deleteStream(nc, `ORDERS_${s}${x}`);
      await nc.close();
    }
  }, 120_000);

  it('NATS fan-out says in one line that the server is not running', async () => {
    const port = await freePort();
    const file = copyTemplate(
      'nats-fanout-dead-letters',
      [[/nats:\/\/127\.0\.0\.1:4222/g, `nats://127.0.0.1:${port}`]],
      (g) => {
        for (const n of g.nodes as Nodes) n.config.connectTimeoutMs = 1000;
      },
    );
    const r = await runCli(['run', file], { timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(
      new RegExp(
        `^run failed: node "\\w+": NATS at nats://127\\.0\\.0\\.1:${port}: connection refused; .*; is the server running\\?$`,
      ),
    );
  });

  it('Redis readings into PostgreSQL, with the database user from the environment', async () => {
    const s = suffix();
    const redis = createClient({ url: 'redis://127.0.0.1:6379' });
    await redis.connect();
    const db = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
    await db.connect();
    const table = `latest_readings_${s}`;
    const file = copyTemplate('redis-into-postgres', [
      [/latest_readings/g, table],
      [/"readings/g, `"readings_${s}`],
    ]);
    try {
      for (let i = 0; i < 100; i++) {
        await redis.xAdd(`readings_${s}`, '*', {
          payload: JSON.stringify({ sensor: `s${i % 10}`, celsius: 20 + (i % 15) }),
        });
      }
      const rows = async (): Promise<number> =>
        Number(
          (await db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM "${table}"`).catch(() => ({ rows: [{ n: '0' }] })))
            .rows[0]!.n,
        );
      const hot = async (): Promise<number> => redis.xLen(`readings_${s}:hot`);
      // Readings 16..34 °C in a cycle of 15: celsius > 30 for i % 15 in 11..14.
      const expectedHot = Array.from({ length: 100 }, (_, i) => 20 + (i % 15)).filter((c) => c > 30).length;
      const code = await runUntilDone(file, async () => (await rows()) >= 10 && (await hot()) >= expectedHot, {
        PGUSER: 'postgres',
        PGDATABASE: 'test',
      });
      expect(code).toBe(0);
      expect(await rows()).toBe(10);
      expect(await hot()).toBe(expectedHot);
      const pending = (await redis.sendCommand(['XPENDING', `readings_${s}`, 'sluice'])) as [number];
      expect(Number(pending[0])).toBe(0);
    } finally {
      await db.query(`DROP TABLE IF EXISTS "${table}"`);
      await db.end();
      await redis.del([`readings_${s}`, `readings_${s}:hot`, `readings_${s}:hot:sluice-commits`]);
      await redis.close();
    }
  }, 120_000);
});
