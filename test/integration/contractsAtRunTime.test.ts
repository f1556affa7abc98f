/**
 * Issue 16, items 2 and 5, through the real CLI: a source on `orders@2` reads a file holding v1
 * and v2 events, upcasts the v1 ones along the `upcast` chain, and sends the one that fits no
 * version to the dead letters with its field path; the run finishes. A graph naming a contract
 * its schemas/ folder lacks is refused before it runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linesOf, runCli, writeGraph } from './sluiceCli.js';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-contracts-run-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const V1 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: { v: { const: 1 }, seq: { type: 'integer' }, quantity: { type: 'integer' } },
  required: ['v', 'seq', 'quantity'],
  additionalProperties: false,
};
const V2 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    v: { const: 2 },
    seq: { type: 'integer' },
    quantity: { type: 'integer' },
    amount: { type: 'number' },
  },
  required: ['v', 'seq', 'quantity', 'amount'],
  additionalProperties: false,
  'x-sluice': { compatibility: 'NONE', upcast: '({ ...value, v: 2, amount: value.quantity * 12.5 })' },
};

function folder(name: string, contract: string): { dir: string; graph: string } {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'schemas'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'schemas', 'orders@1.schema.json'), JSON.stringify(V1, null, 2));
  fs.writeFileSync(path.join(dir, 'schemas', 'orders@2.schema.json'), JSON.stringify(V2, null, 2));
  const events = [
    { v: 1, seq: 1, quantity: 2 },
    { v: 2, seq: 2, quantity: 1, amount: 40 },
    { v: 1, seq: 3, quantity: 'three' },
    { v: 1, seq: 4, quantity: 4 },
  ];
  fs.writeFileSync(path.join(dir, 'events.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const graph = writeGraph(dir, {
    format: 'sluice/graph',
    version: 1,
    name: 'Contracts',
    nodes: [
      { id: 'orders', type: 'source.file', config: { path: 'events.jsonl', contract } },
      { id: 'out', type: 'sink.file', config: { path: 'out.jsonl', contract } },
    ],
    edges: [{ id: 'e1', from: { node: 'orders', port: 'out' }, to: { node: 'out', port: 'in' } }],
  });
  return { dir, graph };
}

describe('contracts at run time (sluice run)', () => {
  it('upcasts v1 events to v2, dead-letters the one that fits no version with its field path, and finishes', async () => {
    const { dir, graph } = folder('upcast', 'orders@2');
    const state = path.join(dir, 'state.db');
    const run = await runCli(['run', graph, '--state', state, '--fresh'], { timeoutMs: 60_000 });
    expect(run.stderr).not.toMatch(/Error:|at .*\.js:/);
    expect(run.code).toBe(0);
    const out = linesOf(fs.readFileSync(path.join(dir, 'out.jsonl'), 'utf8')).map((l) => JSON.parse(l) as unknown);
    expect(out).toEqual([
      { v: 2, seq: 1, quantity: 2, amount: 25 },
      { v: 2, seq: 2, quantity: 1, amount: 40 },
      { v: 2, seq: 4, quantity: 4, amount: 50 },
    ]);
    const letters = await runCli(['dead-letters', state]);
    expect(letters.code).toBe(0);
    expect(letters.stdout).toContain('orders');
    expect(letters.stdout).toContain(
      'orders@2: field amount is missing (orders@2 requires it) (at /amount); as orders@1: field quantity must be an integer, not "three" (at /quantity)',
    );
  });

  it('refuses to run a graph whose contract is not in its schemas/ folder, naming what there is', async () => {
    const { graph } = folder('missing', 'orders@3');
    const run = await runCli(['run', graph, '--fresh'], { timeoutMs: 60_000 });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('orders@3');
    expect(run.stderr).toContain('orders@1, orders@2');
    expect(run.stderr).not.toMatch(/at .*\.js:/);
  });
});
