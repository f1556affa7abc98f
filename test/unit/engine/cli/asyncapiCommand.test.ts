/**
 * `sluice asyncapi <graph>` as a user runs it: the bundled CLI in a child process; the document
 * it writes is validated by the AsyncAPI parser.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linesOf, runCli } from '../../../integration/sluiceCli.js';
import { asyncApiProblems } from '../contracts/node/asyncApiParser.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-asyncapi-'));
  fs.mkdirSync(path.join(dir, 'schemas'));
  fs.writeFileSync(
    path.join(dir, 'schemas', 'orders@1.schema.json'),
    JSON.stringify({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }),
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeGraph(name: string, nodes: unknown[], edges: unknown[] = []): string {
  const file = path.join(dir, `${name}.sluice.json`);
  fs.writeFileSync(file, JSON.stringify({ format: 'sluice/graph', version: 1, name, nodes, edges }, null, 2));
  return file;
}

const nodes = [
  {
    id: 'in',
    type: 'source.nats',
    config: { url: 'nats://127.0.0.1:4222', stream: 'ORDERS', subject: 'orders.new', contract: 'orders@1' },
  },
  { id: 'out', type: 'sink.mqtt', config: { url: 'mqtt://127.0.0.1:1883', topic: 'orders/${key}', qos: 1 } },
];
const edges = [{ id: 'e1', from: { node: 'in', port: 'out' }, to: { node: 'out', port: 'in' } }];

describe('sluice asyncapi', () => {
  it('prints a valid AsyncAPI 3 document of the broker channels with their contracts', async () => {
    const r = await runCli(['asyncapi', writeGraph('flow', nodes, edges)], { timeoutMs: 30_000 });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as { channels: Record<string, { address: string; messages: object }> };
    expect(doc.channels.in?.address).toBe('orders.new');
    expect(doc.channels.out?.address).toBe('orders/{key}');
    expect(Object.keys(doc.channels.out?.messages ?? {})).toEqual(['orders.v1']);
    expect(await asyncApiProblems(doc)).toEqual([]);
  });

  it('writes the document to --out and warns of channels without a contract', async () => {
    const out = path.join(dir, 'api.json');
    const r = await runCli(['asyncapi', writeGraph('nocontract', [{ ...nodes[1], id: 'lonely' }]), '--out', out], {
      timeoutMs: 30_000,
    });
    expect(r.code).toBe(0);
    expect(linesOf(r.stdout)).toEqual([`wrote ${out}`]);
    expect(linesOf(r.stderr)).toEqual([
      'warning: node lonely has no contract, so its channel documents no message schema',
    ]);
    expect(await asyncApiProblems(JSON.parse(fs.readFileSync(out, 'utf8')))).toEqual([]);
  });

  it('exits 1 for a contract the schemas do not have, and 2 for a graph it cannot read', async () => {
    const bad = writeGraph('unknown', [{ ...nodes[0], config: { ...nodes[0]!.config, contract: 'orders@5' } }]);
    const r = await runCli(['asyncapi', bad], { timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(linesOf(r.stderr)).toEqual(['error: node in: there is no schema orders@5 in schemas/']);
    const missing = await runCli(['asyncapi', path.join(dir, 'nope.sluice.json')], { timeoutMs: 30_000 });
    expect(missing.code).toBe(2);
    expect(linesOf(missing.stderr)).toEqual([`${path.join(dir, 'nope.sluice.json')}: no such file`]);
  });
});
