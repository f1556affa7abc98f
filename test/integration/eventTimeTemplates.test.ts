/**
 * The event-time templates (SPEC §12) through the real CLI, against results computed here in
 * plain code from the templates' own expressions (not by any Sluice operator), and every
 * template of the gallery run for a moment, so none of them is left broken in CI.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from './sluiceCli.js';

interface Graph {
  nodes: Array<{ id: string; type: string; config: Record<string, unknown> }>;
}

const examples = path.join(REPO, 'assets/examples');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-et-templates-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The template in a folder of its own (with the gallery's data), changed by `edit`. */
function copyTemplate(id: string, edit: (g: Graph) => void = () => {}): { dir: string; file: string } {
  const dir = path.join(work, id);
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
    const want: unknown[] = [];
    for (let i = 0; i < 5000; i++) {
      const placed = 1700000000000 + i * 1000;
      const paid = placed + ((i * 7919) % 10) * 40000;
      const amount = 5 + ((i * 31) % 200);
      want.push({ order: 'order-' + i, amount, paidAfterSec: paid - placed <= 300000 ? (paid - placed) / 1000 : null });
    }
    const got = lines(path.join(dir, 'out/orders-with-payments.jsonl'));
    expect(got).toHaveLength(5000);
    expect(sorted(got)).toEqual(sorted(want));
    expect((want as Array<{ paidAfterSec: number | null }>).filter((w) => w.paidAfterSec === null)).toHaveLength(1000);
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
