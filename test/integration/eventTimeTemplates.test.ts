/**
 * The event-time templates (SPEC §12) through the real CLI, against results computed here in
 * plain code from the templates' own expressions (not by any Sluice operator), and every
 * template of the gallery run for a moment, so none of them is left broken in CI.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, REPO, runCli } from './sluiceCli.js';

interface Graph {
  nodes: Array<{ id: string; type: string; config: Record<string, unknown> }>;
}

const examples = path.join(REPO, 'assets/examples');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-et-templates-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

let copies = 0;

/** The template in a folder of its own (with the gallery's data), changed by `edit`. */
function copyTemplate(id: string, edit: (g: Graph) => void = () => {}): { dir: string; file: string } {
  const dir = path.join(work, `${id}-${++copies}`);
  fs.cpSync(path.join(examples, 'data'), path.join(dir, 'data'), { recursive: true });
  const graph = JSON.parse(fs.readFileSync(path.join(examples, `${id}.sluice.json`), 'utf8')) as Graph;
  edit(graph);
  const file = path.join(dir, `${id}.sluice.json`);
  fs.writeFileSync(file, JSON.stringify(graph));
  return { dir, file };
}

const node = (g: Graph, id: string) => g.nodes.find((n) => n.id === id)!;
const lines = (file: string): unknown[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
const sorted = (rows: unknown[]): string[] => rows.map((r) => JSON.stringify(r)).sort();

/** Completed checkpoints in a state store (0 while it does not exist or is busy). */
function completed(state: string): number {
  try {
    const db = new BetterSqlite3(state, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM checkpoints WHERE completed_at IS NOT NULL').get() as { n: number })
        .n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

/** Run the CLI and SIGKILL it once its state holds `after` completed checkpoints. */
function killedAfterCheckpoints(args: string[], cwd: string, state: string, after: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: 'ignore' });
    const poll = setInterval(() => {
      if (completed(state) >= after) child.kill('SIGKILL');
    }, 20);
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearInterval(poll);
      resolve(signal);
    });
  });
}

/** The orders template's expected rows, from its own expressions. */
function ordersWithPayments(): unknown[] {
  const want: unknown[] = [];
  for (let i = 0; i < 5000; i++) {
    const placed = 1700000000000 + i * 1000;
    const paid = placed + ((i * 7919) % 10) * 40000;
    const amount = 5 + ((i * 31) % 200);
    want.push({ order: 'order-' + i, amount, paidAfterSec: paid - placed <= 300000 ? (paid - placed) / 1000 : null });
  }
  return want;
}

describe('the event-time templates through the CLI', () => {
  it('out-of-order-sensors: late readings by the reorder rule, per-sensor 1-s averages of the rest', async () => {
    const { dir, file } = copyTemplate('out-of-order-sensors', (g) => delete node(g, 'readings').config['ratePerSec']);
    const r = await runCli(['run', file, '--state', path.join(dir, 'state.db')], { cwd: dir, timeoutMs: 120_000 });
    expect(r.stderr).toMatch(/run finished/);
    expect(r.code).toBe(0);

    // The template's expressions, evaluated here; the reorder's rule: late when older than the
    // newest time before it minus 500 ms.
    const late: number[] = [];
    const windows = new Map<string, { sum: number; count: number; key: string; start: number }>();
    let newest = -Infinity;
    for (let i = 0; i < 20000; i++) {
      const time = 1700000000000 + i * 10 - ((i * 7919) % 7) * 60 - (i % 97 === 0 ? 2000 : 0);
      const key = 'k' + (i % 5);
      const celsius = 20 + ((i * 37) % 100) / 10;
      if (time < newest - 500) late.push(i);
      else {
        const start = Math.floor(time / 1000) * 1000;
        const w = windows.get(key + start) ?? { sum: 0, count: 0, key, start };
        w.sum += celsius;
        w.count++;
        windows.set(key + start, w);
      }
      newest = Math.max(newest, time);
    }
    expect(late.length).toBeGreaterThan(100);
    const lateRows = lines(path.join(dir, 'out/late-readings.jsonl')) as Array<{ sensor: string; celsius: number }>;
    expect(lateRows).toEqual(late.map((i) => ({ sensor: 'k' + (i % 5), celsius: 20 + ((i * 37) % 100) / 10 })));
    const got = (lines(path.join(dir, 'out/sensor-averages.jsonl')) as Array<Record<string, number | string>>).map(
      (w) => ({
        key: w['key'],
        start: w['start'],
        count: w['count'],
        value: Number((w['value'] as number).toFixed(9)),
      }),
    );
    const want = [...windows.values()].map((w) => ({
      key: w.key,
      start: w.start,
      count: w.count,
      value: Number((w.sum / w.count).toFixed(9)),
    }));
    expect(sorted(got)).toEqual(sorted(want));
  }, 150_000);

  it('orders-payments-join: each order with its payment when it came within 5 min, else null', async () => {
    const { dir, file } = copyTemplate('orders-payments-join', (g) => {
      delete node(g, 'orders').config['ratePerSec'];
      delete node(g, 'payments').config['ratePerSec'];
    });
    const r = await runCli(['run', file, '--state', path.join(dir, 'state.db')], { cwd: dir, timeoutMs: 120_000 });
    expect(r.stderr).toMatch(/run finished/);
    expect(r.code).toBe(0);
    const want = ordersWithPayments();
    const got = lines(path.join(dir, 'out/orders-with-payments.jsonl'));
    expect(got).toHaveLength(5000);
    expect(sorted(got)).toEqual(sorted(want));
    expect((want as Array<{ paidAfterSec: number | null }>).filter((w) => w.paidAfterSec === null)).toHaveLength(1000);
  }, 150_000);

  it('orders-payments-join killed mid-interval and resumed holds each result exactly once', async () => {
    // At its template rate (500 orders and payments a second) the run lasts about 10 s.
    const { dir, file } = copyTemplate('orders-payments-join');
    const state = path.join(dir, 'state.db');
    const args = ['run', file, '--state', state];
    expect(await killedAfterCheckpoints(args, dir, state, 2)).toBe('SIGKILL');
    const partial = fs.existsSync(path.join(dir, 'out/orders-with-payments.jsonl'))
      ? lines(path.join(dir, 'out/orders-with-payments.jsonl')).length
      : 0;
    expect(partial).toBeLessThan(5000);
    const r = await runCli(args, { cwd: dir, timeoutMs: 120_000 });
    expect(r.stderr).toMatch(/resuming from checkpoint/);
    expect(r.code).toBe(0);
    const got = lines(path.join(dir, 'out/orders-with-payments.jsonl'));
    expect(sorted(got)).toEqual(sorted(ordersWithPayments()));
  }, 150_000);
});

const index = JSON.parse(fs.readFileSync(path.join(examples, 'index.json'), 'utf8')) as Array<{ id: string }>;

describe('every template of the gallery', () => {
  it.each(index.map((e) => e.id))(
    '%s runs for a second through the CLI and stops cleanly',
    async (id) => {
      const { dir, file } = copyTemplate(id);
      const r = await runCli(['run', file, '--state', path.join(dir, 'state.db'), '--duration', '1000'], {
        cwd: dir,
        timeoutMs: 90_000,
      });
      expect(r.stderr).not.toMatch(/failed|Error/);
      expect(r.code).toBe(0);
    },
    100_000,
  );
});
