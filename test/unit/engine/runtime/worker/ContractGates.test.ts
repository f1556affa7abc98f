import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventSchema, GraphFile, JsonSchema } from '../../../../../engine/contract/index.js';
import { planGraph } from '../../../../../engine/compiler/planGraph.js';
import { nodeRegistry } from '../../../../../engine/nodes/registry.js';
import { PROTOCOL_VERSION, type StartWorker, type WorkerFact } from '../../../../../engine/runtime/protocol.js';
import { makeStoreIo } from '../../../../../engine/runtime/worker/storeIo.js';
import { WorkerRuntime } from '../../../../../engine/runtime/worker/WorkerRuntime.js';
import { graphOf } from '../runGraph.js';

let runtimes: WorkerRuntime[] = [];
afterEach(() => {
  for (const r of runtimes) r.shutdown();
  runtimes = [];
});

function schema(name: string, version: number, body: JsonSchema, upcast?: string): EventSchema {
  return {
    name,
    version,
    ref: `${name}@${version}`,
    file: `${name}@${version}.schema.json`,
    schema: body,
    compatibility: 'NONE',
    ...(upcast !== undefined ? { upcast } : {}),
  };
}

const ORDERS_1 = schema('orders', 1, {
  type: 'object',
  properties: { v: { const: 1 }, seq: { type: 'integer' }, quantity: { type: 'integer' } },
  required: ['v', 'seq', 'quantity'],
  additionalProperties: false,
});
const ORDERS_2 = schema(
  'orders',
  2,
  {
    type: 'object',
    properties: {
      v: { const: 2 },
      seq: { type: 'integer' },
      quantity: { type: 'integer' },
      amount: { type: 'number' },
    },
    required: ['v', 'seq', 'quantity', 'amount'],
    additionalProperties: false,
  },
  '({ ...value, v: 2, amount: value.quantity * 12.5 })',
);

/** A one-worker run in this thread: the facts it posts, the console sink's values, dead letters. */
function inProcess(graph: GraphFile, schemas: EventSchema[]) {
  const plan = planGraph(graph, nodeRegistry, { maxWorkers: 1 });
  const facts: WorkerFact[] = [];
  const start: StartWorker = {
    type: 'startWorker',
    protocol: PROTOCOL_VERSION,
    plan,
    schemas,
    worker: 0,
    baseDir: mkdtempSync(join(tmpdir(), 'sluice-contracts-')),
    statePath: null,
    restore: null,
    ports: {},
    metricsIntervalMs: 50,
    progress: new SharedArrayBuffer(16),
    skip: [],
  };
  const rt = new WorkerRuntime(start, { post: (f) => facts.push(f), registry: nodeRegistry, makeIo: makeStoreIo });
  runtimes.push(rt);
  rt.open();
  const ended = async (): Promise<void> => {
    const all = (): boolean => facts.filter((f) => f.type === 'taskEnded').length === plan.tasks.length;
    for (let i = 0; i < 1000 && !all(); i++) await new Promise((r) => setTimeout(r, 10));
    if (!all()) throw new Error(`timed out; facts: ${facts.map((f) => f.type).join(', ')}`);
  };
  const lines = (): unknown[] =>
    facts.flatMap((f) =>
      f.type === 'consoleWritten' ? f.lines.map((l) => (JSON.parse(l) as { value: unknown }).value) : [],
    );
  const letters = () => facts.flatMap((f) => (f.type === 'deadLettered' ? f.rows : []));
  return { rt, facts, ended, lines, letters };
}

const source = (valueExpression: string, contract?: string) => ({
  id: 'gen',
  type: 'source.generator',
  config: { count: 6, valueExpression, ...(contract ? { contract } : {}) },
});

describe('ContractGates', () => {
  it('sends a source event that fails its contract to the dead letters with the message and field path; the rest flow', async () => {
    const w = inProcess(
      graphOf({
        nodes: [
          source(
            "i === 3 ? { v: 2, seq: i, quantity: 1, amount: 'x' } : { v: 2, seq: i, quantity: 1, amount: 1 }",
            'orders@2',
          ),
          { id: 'out', type: 'sink.console' },
        ],
        edges: ['gen -> out'],
      }),
      [ORDERS_1, ORDERS_2],
    );
    await w.ended();
    expect(w.lines().map((v) => (v as { seq: number }).seq)).toEqual([0, 1, 2, 4, 5]);
    expect(w.letters()).toEqual([
      expect.objectContaining({
        nodeId: 'gen',
        error:
          'orders@2: field amount must be a number, not "x" (at /amount); ' +
          'as orders@1: field amount is not allowed by orders@1 (it lists the fields it accepts) (at /amount)',
        event: expect.objectContaining({ value: { v: 2, seq: 3, quantity: 1, amount: 'x' } }),
      }),
    ]);
  });

  it('upcasts a source’s older values along the chain before emitting them', async () => {
    const w = inProcess(
      graphOf({
        nodes: [
          source('i % 2 === 0 ? { v: 1, seq: i, quantity: 2 } : { v: 2, seq: i, quantity: 1, amount: 99 }', 'orders@2'),
          { id: 'out', type: 'sink.console' },
        ],
        edges: ['gen -> out'],
      }),
      [ORDERS_1, ORDERS_2],
    );
    await w.ended();
    expect(w.letters()).toEqual([]);
    expect(w.lines()).toEqual([
      { v: 2, seq: 0, quantity: 2, amount: 25 },
      { v: 2, seq: 1, quantity: 1, amount: 99 },
      { v: 2, seq: 2, quantity: 2, amount: 25 },
      { v: 2, seq: 3, quantity: 1, amount: 99 },
      { v: 2, seq: 4, quantity: 2, amount: 25 },
      { v: 2, seq: 5, quantity: 1, amount: 99 },
    ]);
  });

  it('does not upcast past the source’s own version: a source on orders@1 refuses v2 values', async () => {
    const w = inProcess(
      graphOf({
        nodes: [
          source('i === 0 ? { v: 2, seq: i, quantity: 1, amount: 1 } : { v: 1, seq: i, quantity: 1 }', 'orders@1'),
          { id: 'out', type: 'sink.console' },
        ],
        edges: ['gen -> out'],
      }),
      [ORDERS_1, ORDERS_2],
    );
    await w.ended();
    expect(w.lines()).toHaveLength(5);
    expect(w.letters().map((l) => l.error)).toEqual([
      'orders@1: field amount is not allowed by orders@1 (it lists the fields it accepts) (at /amount)',
    ]);
  });

  it('routes an edge’s failing event to the producer’s error port when it is wired', async () => {
    const graph = graphOf({
      nodes: [
        source('({ v: 1, seq: i, quantity: i })'),
        { id: 'price', type: 'map', config: { expression: 'value.seq === 4 ? { ...value, extra: true } : value' } },
        { id: 'out', type: 'sink.console' },
        { id: 'errors', type: 'sink.console' },
      ],
      edges: ['gen -> price', 'price -> out', 'price.error -> errors'],
    });
    graph.edges[1]!.contract = 'orders@1';
    const w = inProcess(graph, [ORDERS_1]);
    await w.ended();
    expect(w.letters()).toEqual([]);
    const values = w.lines() as Array<Record<string, unknown>>;
    expect(values.filter((v) => 'seq' in v).map((v) => v.seq)).toEqual([0, 1, 2, 3, 5]);
    expect(values.filter((v) => 'error' in v)).toEqual([
      {
        event: expect.objectContaining({ value: { v: 1, seq: 4, quantity: 4, extra: true } }),
        error: 'orders@1: field extra is not allowed by orders@1 (it lists the fields it accepts) (at /extra)',
        node: 'price',
        contract: 'orders@1',
        path: '/extra',
      },
    ]);
  });

  it('dead-letters an edge’s failing event as its consumer’s when the producer has no error port', async () => {
    const graph = graphOf({
      nodes: [source('({ v: 1, seq: i, quantity: i === 1 ? 1.5 : i })'), { id: 'out', type: 'sink.console' }],
      edges: ['gen -> out'],
    });
    graph.edges[0]!.contract = 'orders@1';
    const w = inProcess(graph, [ORDERS_1]);
    await w.ended();
    expect(w.lines()).toHaveLength(5);
    expect(w.letters()).toEqual([
      expect.objectContaining({
        nodeId: 'out',
        error: 'orders@1: field quantity must be an integer, not 1.5 (at /quantity)',
      }),
    ]);
  });

  it('dead-letters an error-port event its edge’s contract refuses, rather than sending it round', async () => {
    const graph = graphOf({
      nodes: [
        source('({ v: 1, seq: i, quantity: i })'),
        { id: 'price', type: 'map', config: { expression: 'value.seq === 2 ? value.nope.x : value' } },
        { id: 'out', type: 'sink.console' },
        { id: 'errors', type: 'sink.console' },
      ],
      edges: ['gen -> price', 'price -> out', 'price.error -> errors'],
    });
    graph.edges[2]!.contract = 'orders@1';
    const w = inProcess(graph, [ORDERS_1]);
    await w.ended();
    expect(w.lines()).toHaveLength(5);
    expect(w.letters()).toEqual([
      expect.objectContaining({ nodeId: 'errors', error: expect.stringMatching(/^orders@1: field /) }),
    ]);
  });

  it('checks an edge’s contract as the producer routes onto it, and a sink’s as it receives', async () => {
    const graph = graphOf({
      nodes: [
        source('({ v: 1, seq: i, quantity: i })'),
        {
          id: 'price',
          type: 'map',
          config: { expression: 'value.seq === 2 ? { ...value, quantity: "two" } : value' },
        },
        { id: 'out', type: 'sink.console', config: { contract: 'orders@1' } },
      ],
      edges: ['gen -> price', 'price -> out'],
    });
    // An edge contract on gen → price: every value conforms, so nothing is refused there.
    graph.edges[0]!.contract = 'orders@1';
    const w = inProcess(graph, [ORDERS_1]);
    await w.ended();
    expect(w.lines().map((v) => (v as { seq: number }).seq)).toEqual([0, 1, 3, 4, 5]);
    expect(w.letters()).toEqual([
      expect.objectContaining({
        nodeId: 'out',
        error: 'orders@1: field quantity must be an integer, not "two" (at /quantity)',
      }),
    ]);
  });
});
