import { describe, expect, it } from 'vitest';
import type { GraphFile } from '../../../../engine/contract/graphFile.js';
import { addEdge, addNode, setConfigField } from '../../../../renderer/graph/graphEdits.js';
import { applyEdgeChanges, applyNodeChanges } from '../../../../renderer/store/applyFlowChanges.js';
import { createEditorStore } from '../../../../renderer/store/createEditorStore.js';
import { selectDirty, selectFlowNodes } from '../../../../renderer/store/selectors.js';

function twoNodeGraph(): GraphFile {
  return {
    format: 'sluice/graph',
    version: 1,
    name: 'Test',
    nodes: [
      { id: 'gen', type: 'source.generator', position: { x: 0, y: 0 }, config: {} },
      { id: 'out', type: 'sink.console', position: { x: 300, y: 0 }, config: {} },
    ],
    edges: [{ id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'out', port: 'in' } }],
  };
}

describe('the editor store', () => {
  it('undoes and redoes every document change in order', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    const a = addNode(s().graph, 'map', { x: 10, y: 20 });
    s().commitDocument(a.graph);
    const b = addNode(s().graph, 'filter', { x: 200, y: 20 });
    s().commitDocument(b.graph);
    expect(s().graph.nodes.map((n) => n.id)).toEqual(['map', 'filter']);

    s().undo();
    expect(s().graph.nodes.map((n) => n.id)).toEqual(['map']);
    s().undo();
    expect(s().graph.nodes).toEqual([]);
    s().undo();
    expect(s().graph.nodes).toEqual([]);

    s().redo();
    s().redo();
    expect(s().graph.nodes.map((n) => n.id)).toEqual(['map', 'filter']);
    expect(s().future).toEqual([]);
  });

  it('drops the redo stack when a new change follows an undo', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    s().commitDocument(addNode(s().graph, 'map', { x: 0, y: 0 }).graph);
    s().undo();
    s().commitDocument(addNode(s().graph, 'filter', { x: 0, y: 0 }).graph);
    s().redo();
    expect(s().graph.nodes.map((n) => n.type)).toEqual(['filter']);
  });

  it('merges typing in one field into a single undo step', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    s().commitDocument(addNode(s().graph, 'map', { x: 0, y: 0 }).graph);
    for (const text of ['v', 'va', 'val', 'value']) {
      s().commitDocument(setConfigField(s().graph, 'map', 'expression', text), { coalesce: 'map:config:expression' });
    }
    expect(s().graph.nodes[0]!.config.expression).toBe('value');
    s().undo();
    expect(s().graph.nodes[0]!.config.expression).toBeUndefined();
    expect(s().graph.nodes).toHaveLength(1);
  });

  it('applies a React Flow drag to the document as one undo step', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    s().replaceDocument(twoNodeGraph(), { filePath: null, trusted: true, saved: true });
    for (const x of [10, 20, 33.4]) {
      applyNodeChanges(s(), [{ type: 'position', id: 'gen', position: { x, y: 5 }, dragging: true }]);
    }
    applyNodeChanges(s(), [{ type: 'position', id: 'gen', dragging: false }]);
    expect(s().graph.nodes[0]!.position).toEqual({ x: 33, y: 5 });
    expect(s().past).toHaveLength(1);
    s().undo();
    expect(s().graph.nodes[0]!.position).toEqual({ x: 0, y: 0 });
  });

  it('keeps measured sizes and selection out of the document and its history', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    s().replaceDocument(twoNodeGraph(), { filePath: null, trusted: true, saved: true });
    const before = s().graph;
    applyNodeChanges(s(), [
      { type: 'dimensions', id: 'gen', dimensions: { width: 180, height: 80 } },
      { type: 'select', id: 'gen', selected: true },
    ]);
    applyEdgeChanges(s(), [{ type: 'select', id: 'e1', selected: true }]);
    expect(s().graph).toBe(before);
    expect(s().past).toHaveLength(0);
    expect(s().selectedNodes).toEqual({ gen: true });
    expect(s().selectedEdges).toEqual({ e1: true });
    expect(s().measured.gen).toEqual({ width: 180, height: 80 });
    expect(selectDirty(s())).toBe(false);
  });

  it('removes a node with its edges and brings both back on undo', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    s().replaceDocument(twoNodeGraph(), { filePath: '/tmp/g.sluice.json', trusted: true, saved: true });
    applyNodeChanges(s(), [{ type: 'select', id: 'gen', selected: true }]);
    applyNodeChanges(s(), [{ type: 'remove', id: 'gen' }]);
    expect(s().graph.nodes.map((n) => n.id)).toEqual(['out']);
    expect(s().graph.edges).toEqual([]);
    expect(s().selectedNodes).toEqual({});
    expect(selectDirty(s())).toBe(true);
    s().undo();
    expect(s().graph.edges.map((e) => e.id)).toEqual(['e1']);
    expect(selectDirty(s())).toBe(false);
  });

  it('rebuilds only the flow node whose graph node changed', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    s().replaceDocument(twoNodeGraph(), { filePath: null, trusted: true, saved: true });
    const first = selectFlowNodes(s());
    s().commitDocument(setConfigField(s().graph, 'gen', 'count', 5));
    const second = selectFlowNodes(s());
    expect(second).not.toBe(first);
    expect(second[0]).not.toBe(first[0]);
    expect(second[1]).toBe(first[1]);
  });

  it('gives an edge a fresh id and keeps the previous graph untouched', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    s().replaceDocument(twoNodeGraph(), { filePath: null, trusted: true, saved: true });
    const before = s().graph;
    const { graph, id } = addEdge(before, { node: 'gen', port: 'out' }, { node: 'out', port: 'in' });
    expect(id).not.toBe('e1');
    expect(before.edges).toHaveLength(1);
    expect(graph.edges).toHaveLength(2);
  });
});
