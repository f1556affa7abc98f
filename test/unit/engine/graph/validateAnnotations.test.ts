import { describe, expect, it } from 'vitest';
import type { GraphFile } from '../../../../engine/contract/graphFile.js';
import { loadGraph } from '../../../../engine/graph/loadGraph.js';
import { saveGraph } from '../../../../engine/graph/saveGraph.js';
import { validate } from '../../../../engine/graph/validate.js';
import { nodeRegistry } from '../../../../engine/nodes/registry.js';

const base = (): GraphFile => ({
  format: 'sluice/graph',
  version: 1,
  name: 'Organised',
  nodes: [
    { id: 'gen', type: 'source.generator', config: { count: 10 } },
    { id: 'out', type: 'sink.console', config: {} },
  ],
  edges: [{ id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'out', port: 'in' } }],
});

describe('notes, groups and disabled nodes in the graph file', () => {
  it('round-trip through save and load as data, and a well-formed set raises only the disabled note', () => {
    const g: GraphFile = {
      ...base(),
      nodes: [{ ...base().nodes[0]!, disabled: true }, base().nodes[1]!],
      notes: [{ id: 'n1', text: 'Payments arrive here\n(2k/s)', position: { x: 10, y: -80 }, width: 200, height: 90 }],
      groups: [{ id: 'g1', title: 'Ingest', nodes: ['gen', 'out'], color: 'blue' }],
    };
    const loaded = loadGraph(saveGraph(g));
    expect(loaded.ok && loaded.graph).toEqual(g);
    const problems = validate(g, nodeRegistry);
    expect(problems).toEqual([
      {
        severity: 'warning',
        nodeId: 'gen',
        field: 'disabled',
        message: 'Node "gen" is disabled: it passes nothing on, and its outputs end when its inputs do.',
      },
    ]);
  });

  it('malformed notes and groups are warnings that name what is wrong, never errors', () => {
    const g = {
      ...base(),
      nodes: [{ ...base().nodes[0]!, disabled: 'yes' }, base().nodes[1]!],
      notes: [
        { id: 'n1', text: 'ok', position: { x: 0, y: 0 } },
        { id: 'n1', text: 'again', position: { x: 0, y: 0 } },
        { id: 'n2', position: { x: 0, y: 0 } },
        { id: 'n3', text: 'x', position: { x: 'left', y: 0 } },
        { id: 'n4', text: 'x', position: { x: 0, y: 0 }, width: -3 },
        7,
      ],
      groups: [{ id: 'g1', title: 'A', nodes: ['gen', 'ghost'] }, { id: 'g1', title: 'B', nodes: [] }, { id: 'g2' }],
    };
    const problems = validate(g, nodeRegistry);
    expect(problems.every((p) => p.severity === 'warning')).toBe(true);
    expect(problems.map((p) => p.message)).toEqual([
      'Node "gen": "disabled" must be true or false, not a string; the node runs.',
      'Note #2 has the id "n1" of another note; the editor leaves it out.',
      'Note #3 needs "text"; the editor leaves it out.',
      'Note #4 needs a position { x, y }; the editor leaves it out.',
      'Note #5 has a width that is not a positive number; the editor leaves it out.',
      'Note #6 is a number, not an object; the editor leaves it out.',
      'Group "g1" names a node the graph does not have: "ghost".',
      'Group #2 needs a unique text id; the editor leaves it out.',
      'Group "g2" needs a title (text).',
      'Group "g2" needs "nodes", a list of node ids.',
    ]);
    expect(validate({ ...base(), notes: {}, groups: 'g' }, nodeRegistry).map((p) => p.message)).toEqual([
      'The graph’s "notes" must be a list, not an object.',
      'The graph’s "groups" must be a list, not a string.',
    ]);
  });

  it('a pinned sample on a source is noted; a malformed one, or one on a non-source, is a warning', () => {
    const g = (pinned: unknown, node = 0): GraphFile => ({
      ...base(),
      nodes: base().nodes.map((n, i) => (i === node ? { ...n, pinned } : n)) as GraphFile['nodes'],
    });
    const messages = (graph: GraphFile) => validate(graph, nodeRegistry).map((p) => [p.severity, p.field, p.message]);
    expect(messages(g([{ value: 1 }, { key: 'k', time: 3, value: { a: 1 } }]))).toEqual([
      [
        'warning',
        'pinned',
        'Node "gen" has a pinned sample of 2 events: the editor’s runs emit it instead, with state in memory.',
      ],
    ]);
    expect(messages(g([{ value: 1 }, { key: 7, value: 2 }]))).toEqual([
      [
        'warning',
        'pinned',
        'Node "gen": pinned event #2 must be { "value": …, "key"?: text, "time"?: ms }; the sample is ignored.',
      ],
    ]);
    expect(messages(g({ value: 1 }))[0]![2]).toBe(
      'Node "gen": "pinned" must be a list of events, not an object; it is ignored.',
    );
    expect(messages(g([{ value: 1 }], 1))[0]![2]).toBe('Node "out" is not a source, so its pinned sample is ignored.');
  });
});
