import { describe, expect, it } from 'vitest';
import type { GraphFile, GraphNode } from '../../../../engine/contract/graphFile.js';
import type { Problem } from '../../../../engine/contract/problem.js';
import { validate } from '../../../../engine/graph/validate.js';
import { pipeline, registry } from './fixtureRegistry.js';

const check = (g: unknown): Problem[] => validate(g, registry);
const node = (g: GraphFile, id: string): GraphNode => g.nodes.find((n) => n.id === id)!;

describe('validate', () => {
  it('finds nothing wrong with a valid pipeline', () => {
    expect(check(pipeline())).toEqual([]);
  });

  it('reports data that is not a graph as one problem', () => {
    expect(check([1])).toEqual([
      {
        severity: 'error',
        message: 'Cannot read this graph: not a Sluice graph (expected a JSON object, got a list).',
      },
    ]);
    expect(check({ format: 'sluice/graph', version: 9 })[0]?.message).toContain('made by a newer Sluice: version 9');
  });

  it('reports a graph without a name', () => {
    const g = { ...pipeline(), name: '' };
    expect(check(g)).toEqual([
      { severity: 'error', field: 'name', message: 'The graph needs a name (it also names the run’s state store).' },
    ]);
  });

  it('reports duplicate node ids', () => {
    const g = pipeline();
    g.nodes.push({ ...node(g, 'out') });
    g.edges.push({ id: 'e3', from: { node: 'double', port: 'out' }, to: { node: 'out', port: 'in' } });
    expect(check(g)).toContainEqual({
      severity: 'error',
      nodeId: 'out',
      field: 'id',
      message: 'Two nodes have the id "out"; node ids must be unique.',
    });
  });

  it('reports a node without an id by its position in the list', () => {
    const g = pipeline();
    g.nodes.push({ type: 'map', config: { expression: '1' } } as unknown as GraphNode);
    expect(check(g)).toContainEqual({
      severity: 'error',
      field: 'id',
      message: 'Node #4 has no id; every node needs a unique text id.',
    });
  });

  it('reports duplicate edge ids', () => {
    const g = pipeline();
    g.edges[1]!.id = 'e1';
    expect(check(g)).toContainEqual({
      severity: 'error',
      edgeId: 'e1',
      field: 'id',
      message: 'Two edges have the id "e1"; edge ids must be unique.',
    });
  });

  it('reports an unknown node type and suggests the closest known one', () => {
    const g = pipeline();
    node(g, 'double').type = 'mapp';
    const problems = check(g);
    expect(problems).toContainEqual({
      severity: 'error',
      nodeId: 'double',
      field: 'type',
      message: 'Node "double" has an unknown type "mapp"; did you mean "map"?',
    });
    // Its edges are not blamed, and the nodes after it are still reachable.
    expect(problems).toHaveLength(1);
  });

  it('suggests a full type for its short name, and nothing for a far-off one', () => {
    const g = pipeline();
    node(g, 'gen').type = 'gen';
    node(g, 'double').type = 'kafka.consumer';
    const messages = check(g).map((p) => p.message);
    expect(messages).toContain('Node "gen" (Numbers) has an unknown type "gen"; did you mean "source.gen"?');
    expect(messages).toContain('Node "double" has an unknown type "kafka.consumer".');
  });

  it('reports a missing required config field, naming the node and field', () => {
    const g = pipeline();
    node(g, 'out').config = {};
    expect(check(g)).toEqual([
      { severity: 'error', nodeId: 'out', field: 'path', message: 'Node "out" needs a value for "path" (Path).' },
    ]);
  });

  it('reports ill-typed, out-of-range and disallowed config values', () => {
    const g = pipeline();
    node(g, 'gen').config = { count: 1.5, keys: 0 };
    node(g, 'out').config = { path: 7, format: 'csv', envelope: 'yes' };
    const problems = check(g).filter((p) => p.nodeId !== undefined && p.severity === 'error');
    expect(problems.map((p) => [p.nodeId, p.field, p.message])).toEqual([
      ['gen', 'count', 'Node "gen" (Numbers): "count" must be a whole number, not 1.5.'],
      ['gen', 'keys', 'Node "gen" (Numbers): "keys" must be at least 1, not 0.'],
      ['out', 'path', 'Node "out": "path" must be text, not 7.'],
      ['out', 'format', 'Node "out": "format" must be one of jsonl, not "csv".'],
      ['out', 'envelope', 'Node "out": "envelope" must be true or false, not "yes".'],
    ]);
  });

  it('warns about unknown config keys and suggests the intended one', () => {
    const g = pipeline();
    node(g, 'gen').config = { count: 10, kyes: 3 };
    expect(check(g)).toEqual([
      {
        severity: 'warning',
        nodeId: 'gen',
        field: 'kyes',
        message: 'Node "gen" (Numbers) has an unknown setting "kyes", which is ignored (did you mean "keys"?).',
      },
    ]);
  });

  it('reports an expression that does not parse, with the parser’s message', () => {
    const g = pipeline();
    node(g, 'double').config = { expression: 'value.seq *' };
    const [problem, ...rest] = check(g);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ severity: 'error', nodeId: 'double', field: 'expression' });
    expect(problem?.message).toMatch(/^Node "double": "expression" is not valid as an expression: Unexpected token/);
  });

  it('reports a required expression left blank as missing', () => {
    const g = pipeline();
    node(g, 'double').config = { expression: '   ' };
    expect(check(g)).toEqual([
      {
        severity: 'error',
        nodeId: 'double',
        field: 'expression',
        message: 'Node "double" needs a value for "expression" (Expression).',
      },
    ]);
  });

  it('reports function code that does not parse, and accepts a valid body', () => {
    const g = pipeline();
    const fn = { id: 'fn', type: 'function', config: { code: 'return event.value' } };
    g.nodes.splice(2, 0, fn);
    g.edges[1] = { id: 'e2', from: { node: 'double', port: 'out' }, to: { node: 'fn', port: 'in' } };
    g.edges.push({ id: 'e3', from: { node: 'fn', port: 'out' }, to: { node: 'out', port: 'in' } });
    expect(check(g)).toEqual([]);
    fn.config.code = 'if (event.value) { return 1';
    expect(check(g)).toMatchObject([{ severity: 'error', nodeId: 'fn', field: 'code' }]);
    expect(check(g)[0]?.message).toMatch(/^Node "fn": "code" is not valid code: /);
  });

  it('checks the fields of list items, such as router predicates', () => {
    const g = pipeline();
    g.nodes.splice(2, 0, {
      id: 'route',
      type: 'router',
      config: {
        routes: [
          { port: 'big', predicate: 'value.seq > 5' },
          { port: 'odd', predicate: 'value.seq %% 2', extra: 1 },
          'x',
        ],
      },
    });
    g.edges[1] = { id: 'e2', from: { node: 'double', port: 'out' }, to: { node: 'route', port: 'in' } };
    const problems = check(g).filter((p) => p.nodeId === 'route');
    expect(problems.map((p) => [p.severity, p.field])).toEqual([
      ['error', 'routes[1].predicate'],
      ['warning', 'routes[1].extra'],
      ['error', 'routes[2]'],
    ]);
    expect(problems[0]?.message).toMatch(/^Node "route": "routes\[1\]\.predicate" is not valid as an expression: /);
    expect(problems[2]?.message).toBe('Node "route": "routes[2]" must be an object, not "x".');
  });

  it('reports two ports with the same name', () => {
    const g = pipeline();
    g.nodes.splice(2, 0, { id: 'route', type: 'router', config: { routes: [{ port: 'else', predicate: 'true' }] } });
    g.edges[1] = { id: 'e2', from: { node: 'double', port: 'out' }, to: { node: 'route', port: 'in' } };
    g.edges.push({ id: 'e3', from: { node: 'route', port: 'else' }, to: { node: 'out', port: 'in' } });
    expect(check(g)).toEqual([
      {
        severity: 'error',
        nodeId: 'route',
        message: 'Node "route" has two ports named "else"; port names must be unique.',
      },
    ]);
  });

  it('passes on the descriptor’s own check results, only for a config without schema errors', () => {
    const g = pipeline();
    g.nodes.splice(2, 0, { id: 'win', type: 'window', config: { kind: 'sliding', sizeMs: 1000 } });
    g.edges[1] = { id: 'e2', from: { node: 'double', port: 'out' }, to: { node: 'win', port: 'in' } };
    g.edges.push({ id: 'e3', from: { node: 'win', port: 'out' }, to: { node: 'out', port: 'in' } });
    expect(check(g)).toEqual([
      { severity: 'error', nodeId: 'win', field: 'slideMs', message: 'Node "win": a sliding window needs slideMs.' },
    ]);
    node(g, 'win').config = { kind: 'sliding', sizeMs: -1 };
    expect(check(g).map((p) => p.field)).toEqual(['sizeMs']);
  });

  it('reports parallelism that is not a positive integer or above the node type’s maximum', () => {
    const g = pipeline();
    node(g, 'double').parallelism = 0;
    node(g, 'gen').parallelism = 4;
    expect(check(g).map((p) => [p.nodeId, p.field, p.message])).toEqual([
      [
        'gen',
        'parallelism',
        'Node "gen" (Numbers): parallelism must be at most 1 (source.gen nodes run at most 1), not 4.',
      ],
      ['double', 'parallelism', 'Node "double": parallelism must be a whole number of at least 1, not 0.'],
    ]);
    node(g, 'gen').parallelism = 1;
    node(g, 'double').parallelism = 8;
    expect(check(g)).toEqual([]);
  });

  it('warns about a label or position of the wrong kind', () => {
    const g = pipeline();
    node(g, 'double').label = 5 as unknown as string;
    node(g, 'out').position = { x: 'left' } as unknown as { x: number; y: number };
    expect(check(g).map((p) => [p.severity, p.nodeId, p.field])).toEqual([
      ['warning', 'double', 'label'],
      ['warning', 'out', 'position'],
    ]);
  });

  it('reports edges to and from unknown nodes', () => {
    const g = pipeline();
    g.edges[1] = { id: 'e2', from: { node: 'doubel', port: 'out' }, to: { node: 'out', port: 'in' } };
    expect(check(g)).toContainEqual({
      severity: 'error',
      edgeId: 'e2',
      field: 'from',
      message: 'Edge "e2" starts at node "doubel", which does not exist.',
    });
  });

  it('reports edges to unknown ports, listing the real ones', () => {
    const g = pipeline();
    g.edges[0]!.from.port = 'output';
    g.edges[1]!.to.port = 'input';
    const messages = check(g)
      .filter((p) => p.edgeId)
      .map((p) => p.message);
    expect(messages).toEqual([
      'Edge "e1" starts at port "output" of node "gen" (Numbers), which has no such output port; its output ports are "out".',
      'Edge "e2" ends at port "input" of node "out", which has no such input port; its input ports are "in".',
    ]);
  });

  it('reports an edge from an input port or into an output port', () => {
    const g = pipeline();
    g.edges[1] = { id: 'e2', from: { node: 'double', port: 'in' }, to: { node: 'gen', port: 'out' } };
    const messages = check(g)
      .filter((p) => p.edgeId)
      .map((p) => p.message);
    expect(messages).toEqual([
      'Edge "e2" starts at the input port "in" of node "double"; an edge must go from an output port to an input port.',
      'Edge "e2" ends at the output port "out" of node "gen" (Numbers); an edge must go from an output port to an input port.',
    ]);
  });

  it('reports a malformed edge end', () => {
    const g = pipeline();
    (g.edges[1] as unknown as Record<string, unknown>).to = 'out.in';
    expect(check(g)).toContainEqual({
      severity: 'error',
      edgeId: 'e2',
      field: 'to',
      message: 'Edge "e2" needs "to" written as { "node": "<node id>", "port": "<port name>" }.',
    });
  });

  it('reports an unconnected input port: an error for "in", a warning for others', () => {
    const g = pipeline();
    g.nodes.splice(2, 0, { id: 'join', type: 'join', config: {} });
    g.edges[1] = { id: 'e2', from: { node: 'join', port: 'out' }, to: { node: 'out', port: 'in' } };
    g.edges.push({ id: 'e3', from: { node: 'double', port: 'out' }, to: { node: 'join', port: 'in' } });
    expect(check(g)).toEqual([
      { severity: 'warning', nodeId: 'join', message: 'Node "join" has nothing connected to its input "right".' },
    ]);
    g.edges.pop();
    expect(check(g)).toContainEqual({
      severity: 'error',
      nodeId: 'join',
      message: 'Node "join" has nothing connected to its input, so it would never receive events.',
    });
  });

  it('warns about a node whose output goes nowhere', () => {
    const g = pipeline();
    g.edges.pop();
    expect(check(g)).toEqual([
      {
        severity: 'warning',
        nodeId: 'double',
        message: 'Node "double" has no outgoing edge, so its events go nowhere.',
      },
      // Wired to nothing at all: a run leaves it out, so it blocks nothing.
      {
        severity: 'warning',
        nodeId: 'out',
        message: 'Node "out" is not connected to anything, so a run leaves it out.',
      },
    ]);
    // Wired on one side only, a node's missing input is still an error.
    const half = pipeline();
    half.edges.shift();
    expect(
      check(half)
        .filter((p) => p.severity === 'error')
        .map((p) => p.nodeId),
    ).toEqual(['double']);
  });

  it('does not ask for an edge out of a sink’s error port', () => {
    const g = pipeline();
    g.nodes.push({ id: 'db', type: 'sink.db', config: {} });
    g.edges.push({ id: 'e3', from: { node: 'double', port: 'out' }, to: { node: 'db', port: 'in' } });
    expect(check(g)).toEqual([]);
  });

  it('warns about nodes unreachable from any source', () => {
    const g = pipeline();
    g.nodes.push(
      { id: 'm2', type: 'map', config: { expression: 'value' } },
      { id: 'm3', type: 'map', config: { expression: 'value' } },
    );
    g.edges.push(
      { id: 'e3', from: { node: 'm2', port: 'out' }, to: { node: 'm3', port: 'in' } },
      { id: 'e4', from: { node: 'm3', port: 'out' }, to: { node: 'out', port: 'in' } },
    );
    expect(check(g).filter((p) => p.message.includes('cannot be reached'))).toEqual([
      {
        severity: 'warning',
        nodeId: 'm2',
        message: 'Node "m2" cannot be reached from any source, so it would never receive events.',
      },
      {
        severity: 'warning',
        nodeId: 'm3',
        message: 'Node "m3" cannot be reached from any source, so it would never receive events.',
      },
    ]);
  });

  it('warns once when the graph has no source at all', () => {
    const g = pipeline();
    g.nodes.shift();
    g.edges.shift();
    expect(check(g).filter((p) => p.severity === 'warning')).toEqual([
      { severity: 'warning', message: 'The graph has no source node, so no events would flow.' },
    ]);
  });

  it('reports a cycle as an error naming the nodes around it', () => {
    const g = pipeline();
    g.nodes.push({ id: 'back', type: 'map', config: { expression: 'value' } });
    g.edges.push(
      { id: 'e3', from: { node: 'double', port: 'out' }, to: { node: 'back', port: 'in' } },
      { id: 'e4', from: { node: 'back', port: 'out' }, to: { node: 'double', port: 'in' } },
    );
    expect(check(g)).toEqual([
      {
        severity: 'error',
        nodeId: 'double',
        message: 'Nodes "double" → "back" → "double" form a cycle; cycles are not allowed in this version of Sluice.',
      },
    ]);
  });

  it('reports an edge from a node to itself as a cycle', () => {
    const g = pipeline();
    g.edges.push({ id: 'loop', from: { node: 'double', port: 'out' }, to: { node: 'double', port: 'in' } });
    expect(check(g)).toEqual([
      {
        severity: 'error',
        nodeId: 'double',
        message: 'Node "double" has an edge to itself; cycles are not allowed in this version of Sluice.',
      },
    ]);
  });

  it('reports an edge capacity that is not a positive integer', () => {
    const g = pipeline();
    g.edges[0]!.capacity = 0;
    g.edges[1]!.capacity = 2.5;
    expect(check(g).map((p) => [p.edgeId, p.field, p.message])).toEqual([
      ['e1', 'capacity', 'Edge "e1": capacity must be a whole number of events from 1 to 1000000, not 0.'],
      ['e2', 'capacity', 'Edge "e2": capacity must be a whole number of events from 1 to 1000000, not 2.5.'],
    ]);
  });

  it('reports settings out of range and warns about unknown settings', () => {
    const g = pipeline();
    g.settings = { checkpointIntervalMs: 1, defaultEdgeCapacity: -5, checkpointIntervalMS: 100 };
    expect(check(g)).toEqual([
      {
        severity: 'error',
        field: 'settings.checkpointIntervalMs',
        message: 'The setting "checkpointIntervalMs" must be a whole number of milliseconds from 10 to 3600000, not 1.',
      },
      {
        severity: 'error',
        field: 'settings.defaultEdgeCapacity',
        message: 'The setting "defaultEdgeCapacity" must be a whole number of events from 1 to 1000000, not -5.',
      },
      {
        severity: 'warning',
        field: 'settings.checkpointIntervalMS',
        message:
          'The graph has an unknown setting "checkpointIntervalMS", which is ignored (did you mean "checkpointIntervalMs"?).',
      },
    ]);
  });

  it('knows settings.partitions (group runs) and checks its range', () => {
    const g = pipeline();
    g.settings = { partitions: 12 };
    expect(check(g)).toEqual([]);
    g.settings = { partitions: 0 };
    expect(check(g)).toEqual([
      {
        severity: 'error',
        field: 'settings.partitions',
        message: 'The setting "partitions" must be a whole number of partitions from 1 to 4096, not 0.',
      },
    ]);
  });

  it('warns about an edge that repeats another', () => {
    const g = pipeline();
    g.edges.push({ ...g.edges[1]!, id: 'e3' });
    expect(check(g)).toEqual([
      { severity: 'warning', edgeId: 'e3', message: 'Edge "e3" repeats edge "e2", so every event would arrive twice.' },
    ]);
  });

  it('warns about an empty graph', () => {
    expect(check({ ...pipeline(), nodes: [], edges: [] })).toEqual([
      { severity: 'warning', message: 'The graph has no nodes yet.' },
    ]);
  });

  it('validates an older version after migrating it', () => {
    const g = pipeline();
    const v0 = {
      ...g,
      version: 0,
      edges: [
        { source: 'gen.out', target: 'double.in' },
        { source: 'double', target: 'out' },
      ],
    };
    expect(check(v0)).toEqual([]);
  });

  it('does not change the graph it checks', () => {
    const g = pipeline();
    const before = JSON.stringify(g);
    check(g);
    expect(JSON.stringify(g)).toBe(before);
  });
});

describe('validate on damaged graphs', () => {
  const junk: unknown[] = [null, 0, -1, 1.5, '', 'x', true, [], [null], {}, { node: 1 }];

  /** Every path to a value in the graph, so each can be replaced by junk. */
  function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
    if (typeof value !== 'object' || value === null) return [prefix];
    const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
    return [prefix, ...keys.flatMap((k) => paths((value as Record<string | number, unknown>)[k], [...prefix, k]))];
  }

  function replaced(graph: unknown, path: Array<string | number>, value: unknown): unknown {
    if (path.length === 0) return value;
    const copy = structuredClone(graph) as Record<string | number, unknown>;
    let at = copy;
    for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
    at[path.at(-1)!] = value;
    return copy;
  }

  it('never throws, and every problem is a located sentence', () => {
    const g = pipeline();
    g.nodes.push({ id: 'route', type: 'router', config: { routes: [{ port: 'a', predicate: 'true' }] } });
    g.edges.push({ id: 'e3', from: { node: 'gen', port: 'out' }, to: { node: 'route', port: 'in' } });
    let checked = 0;
    for (const path of paths(g)) {
      if (path[0] === 'format' || path[0] === 'version') continue;
      for (const value of junk) {
        const problems = check(replaced(g, path, value));
        checked++;
        for (const p of problems) {
          expect(['error', 'warning']).toContain(p.severity);
          expect(p.message, `${path.join('.')} = ${JSON.stringify(value)}`).toMatch(/^[A-Z].*[.?]$/);
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('reports hostile input as bounded problems: huge ids, types and keys are quoted cut short', () => {
    const huge = 'x'.repeat(1_000_000);
    const g = pipeline();
    g.nodes.push({ id: huge, type: huge, config: {} });
    node(g, 'gen').config = { count: 10, [huge]: 1 };
    for (let i = 0; i < 100; i++) {
      g.edges.push({ id: `bad${i}`, from: { node: huge, port: 'out' }, to: { node: `${huge}y`, port: 'in' } });
    }
    const problems = check(g);
    expect(problems.filter((p) => p.message.includes('does not exist'))).toHaveLength(100);
    expect(problems).toContainEqual({
      severity: 'error',
      nodeId: huge,
      field: 'type',
      message: `Node "${'x'.repeat(77)}..." has an unknown type "${'x'.repeat(77)}...".`,
    });
    for (const p of problems) expect(p.message.length).toBeLessThan(400);
  });

  it('reports an expression nested past the parser’s bounds as one problem of its node', () => {
    let deep = '1';
    for (let i = 0; i < 1000; i++) deep = `\`\${${deep}}\``;
    const g = pipeline();
    node(g, 'double').config = { expression: deep };
    expect(check(g)).toEqual([
      {
        severity: 'error',
        nodeId: 'double',
        field: 'expression',
        message:
          'Node "double": "expression" is not valid as an expression: is nested more than 64 levels deep (brackets, templates or groups inside each other).',
      },
    ]);
  });

  it('names a cycle through thousands of nodes by its first few', () => {
    const g = pipeline();
    const ids = Array.from({ length: 5000 }, (_, i) => `m${i}`);
    for (const id of ids) g.nodes.push({ id, type: 'map', config: { expression: 'value' } });
    ids.forEach((id, i) =>
      g.edges.push({
        id: `c${i}`,
        from: { node: id, port: 'out' },
        to: { node: ids[(i + 1) % ids.length]!, port: 'in' },
      }),
    );
    const cycle = check(g).find((p) => p.message.includes('form a cycle'));
    expect(cycle?.message).toBe(
      `Nodes ${ids
        .slice(0, 12)
        .map((id) => `"${id}"`)
        .join(' → ')} → … (5000 nodes) form a cycle; cycles are not allowed in this version of Sluice.`,
    );
  });
});
