import { describe, expect, it } from 'vitest';
import type { EventSchema, JsonSchema } from '../../../../engine/contract/eventSchema.js';
import type { GraphFile } from '../../../../engine/contract/graphFile.js';
import type { Problem } from '../../../../engine/contract/problem.js';
import { checkContracts } from '../../../../engine/graph/checkContracts.js';
import { validate } from '../../../../engine/graph/validate.js';
import { registry } from './fixtureRegistry.js';

const schema = (name: string, version: number, s: JsonSchema): EventSchema => ({
  name,
  version,
  ref: `${name}@${version}`,
  file: `${name}@${version}.schema.json`,
  schema: s,
  compatibility: 'BACKWARD',
});
const orders1 = { type: 'object', properties: { seq: { type: 'integer' }, quantity: { type: 'integer' } } };
const orders2 = { ...orders1, properties: { ...orders1.properties, amount: { type: 'number' } }, required: ['amount'] };
const SCHEMAS = [
  schema('orders', 1, orders1),
  schema('orders', 2, orders2),
  schema('orders', 3, { ...orders1, properties: { ...orders1.properties, note: {} } }),
  schema('payments', 1, { type: 'object', properties: { id: { type: 'string' } } }),
];

/** gen → route (router: a value-preserving node) → double (map) → out; route's `big` → store. */
function graph(): GraphFile {
  return {
    format: 'sluice/graph',
    version: 1,
    name: 'Contracts',
    nodes: [
      { id: 'gen', type: 'source.gen', config: { count: 10, contract: 'orders@1' } },
      { id: 'route', type: 'router', config: { routes: [{ port: 'big', predicate: 'value.quantity > 3' }] } },
      { id: 'double', type: 'map', config: { expression: '({ seq: value.seq * 2 })' } },
      { id: 'out', type: 'sink.file', config: { path: 'out.jsonl' } },
      { id: 'store', type: 'sink.file', config: { path: 'big.jsonl', contract: 'orders@1' } },
    ],
    edges: [
      { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'route', port: 'in' } },
      { id: 'e2', from: { node: 'route', port: 'else' }, to: { node: 'double', port: 'in' } },
      { id: 'e3', from: { node: 'double', port: 'out' }, to: { node: 'out', port: 'in' } },
      { id: 'e4', from: { node: 'route', port: 'big' }, to: { node: 'store', port: 'in' } },
    ],
  };
}

const check = (g: GraphFile): Problem[] => checkContracts(g, registry, SCHEMAS);

describe('checkContracts', () => {
  it('finds nothing wrong when every contract exists and agrees', () => {
    expect(check(graph())).toEqual([]);
  });

  it('reports a contract that is not name@version, an unknown name with a hint, an unknown version', () => {
    const g = graph();
    g.nodes[0]!.config.contract = 'orders';
    g.nodes[4]!.config.contract = 'ordres@1';
    g.edges[2]!.contract = 'orders@9';
    expect(check(g)).toEqual([
      {
        severity: 'error',
        nodeId: 'gen',
        field: 'contract',
        message: 'Node "gen": contract must be written name@version, like "orders@2", not "orders".',
      },
      {
        severity: 'error',
        nodeId: 'store',
        field: 'contract',
        message: 'Node "store": there is no contract named "ordres" in schemas/ (did you mean "orders"?).',
      },
      {
        severity: 'error',
        edgeId: 'e3',
        field: 'contract',
        message: 'Edge "e3": there is no orders@9; schemas/ has orders@1, orders@2, orders@3.',
      },
    ]);
  });

  it('flags an edge into a sink that expects another contract', () => {
    const g = graph();
    g.nodes[4]!.config.contract = 'payments@1';
    expect(check(g)).toEqual([
      {
        severity: 'error',
        edgeId: 'e4',
        field: 'contract',
        message: 'Edge "e4" carries orders@1 into node "store", which expects payments@1.',
      },
    ]);
  });

  it('judges another version of the same contract by whether the consumer can read it', () => {
    const g = graph();
    g.nodes[4]!.config.contract = 'orders@2';
    expect(check(g)).toEqual([
      {
        severity: 'error',
        edgeId: 'e4',
        field: 'contract',
        message:
          'Edge "e4" carries orders@1 into node "store", which expects orders@2: required field `amount` was added: a consumer on v2 cannot read v1 events.',
      },
    ]);
    g.nodes[4]!.config.contract = 'orders@3';
    expect(check(g)).toEqual([
      {
        severity: 'warning',
        edgeId: 'e4',
        field: 'contract',
        message:
          'Edge "e4" carries orders@1 into node "store", which expects orders@3 (a consumer on v3 reads v1 events, so this works).',
      },
    ]);
  });

  it('flags an edge declared with another contract than its producer emits', () => {
    const g = graph();
    g.edges[0]!.contract = 'payments@1';
    const problems = check(g);
    expect(problems[0]).toEqual({
      severity: 'error',
      edgeId: 'e1',
      field: 'contract',
      message: 'Edge "e1" is declared payments@1, but node "gen" emits orders@1.',
    });
  });

  it('warns of an expression reading a field the contract does not have, with the closest name', () => {
    const g = graph();
    g.nodes[1]!.config.routes = [{ port: 'big', predicate: 'value.quantty > 3' }];
    g.nodes[2]!.config.expression = '({ seq: value.seq, total: event.value.amount })';
    expect(check(g)).toEqual([
      {
        severity: 'warning',
        nodeId: 'route',
        field: 'routes[0].predicate',
        message:
          'Node "route": value.quantty reads field "quantty", which contract orders@1 does not have (did you mean "quantity"?).',
      },
      {
        severity: 'warning',
        nodeId: 'double',
        field: 'expression',
        message: 'Node "double": event.value.amount reads field "amount", which contract orders@1 does not have.',
      },
    ]);
  });

  it('checks expressions after a map only against a contract its outgoing edge declares', () => {
    const g = graph();
    g.nodes.push({ id: 'after', type: 'map', config: { expression: 'value.anything' } });
    g.edges.push({ id: 'e5', from: { node: 'double', port: 'out' }, to: { node: 'after', port: 'in' } });
    expect(check(g)).toEqual([]);
    g.edges[4]!.contract = 'payments@1';
    expect(check(g).map((p) => p.message)).toEqual([
      'Node "after": value.anything reads field "anything", which contract payments@1 does not have.',
    ]);
  });

  it('warns of a contract on a node that computes new values, where it says nothing', () => {
    const g = graph();
    g.nodes[2]!.config.contract = 'orders@1';
    expect(check(g)).toEqual([
      {
        severity: 'warning',
        nodeId: 'double',
        field: 'contract',
        message:
          'Node "double": a map node changes its values, so a contract in its config says nothing; put it on its outgoing edges.',
      },
    ]);
  });

  it('says when a node receives different contracts and checks its expressions against none', () => {
    const g = graph();
    g.nodes.push({ id: 'gen2', type: 'source.gen', config: { count: 1, contract: 'payments@1' } });
    g.edges.push({ id: 'e6', from: { node: 'gen2', port: 'out' }, to: { node: 'route', port: 'in' } });
    expect(check(g)).toEqual([
      {
        severity: 'warning',
        nodeId: 'route',
        message:
          'Node "route" receives different contracts (orders@1 on "e1", payments@1 on "e6"); its expressions are checked against none of them.',
      },
    ]);
  });

  it('reports an unknown contract when the graph has no schemas at all', () => {
    expect(checkContracts(graph(), registry, []).map((p) => p.message)).toEqual([
      'Node "gen": there is no contract named "orders" in schemas/ (the folder has no schemas).',
      'Node "store": there is no contract named "orders" in schemas/ (the folder has no schemas).',
    ]);
  });
});

describe('validate with schemas', () => {
  it('runs the contracts pass and accepts contract in any node config without an unknown-setting warning', () => {
    const g = graph();
    expect(validate(g, registry)).toEqual([]);
    g.nodes[4]!.config.contract = 'payments@1';
    expect(validate(g, registry, { schemas: SCHEMAS }).map((p) => p.message)).toEqual([
      'Edge "e4" carries orders@1 into node "store", which expects payments@1.',
    ]);
  });
});
