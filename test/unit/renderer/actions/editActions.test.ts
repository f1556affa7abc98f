import { describe, expect, it } from 'vitest';
import { TestEditor, pipeline } from '../TestEditor.js';

describe('edit actions', () => {
  it('undo and redo step through document changes, and say when there is nothing to do', async () => {
    const t = new TestEditor().load(pipeline());
    expect(t.editor.actions.disabledReason('redo')).toBe('Nothing to redo.');
    t.state.select(['out']);
    await t.run('delete');
    await t.run('undo');
    expect(t.nodeIds).toEqual(['gen', 'double', 'out']);
    expect(t.editor.actions.disabledReason('undo')).toBe('Nothing to undo.');
    await t.run('redo');
    expect(t.nodeIds).toEqual(['gen', 'double']);
  });

  it('duplicate copies the selected nodes and the edges between them, shifted, under new ids, and selects the copies', async () => {
    const t = new TestEditor().load(pipeline());
    t.state.select(['gen', 'double']);
    await t.run('duplicate');
    const copies = t.state.graph.nodes.slice(3);
    expect(copies.map((n) => [n.id, n.type, n.position])).toEqual([
      ['gen2', 'source.generator', { x: 40, y: 40 }],
      ['double2', 'map', { x: 290, y: 40 }],
    ]);
    expect(t.state.graph.edges.slice(2)).toEqual([
      { id: 'e12', from: { node: 'gen2', port: 'out' }, to: { node: 'double2', port: 'in' } },
    ]);
    expect(Object.keys(t.state.selectedNodes)).toEqual(['gen2', 'double2']);
    expect(Object.keys(t.state.selectedEdges)).toEqual(['e12']);
  });

  it('select all selects every node and edge', async () => {
    const t = new TestEditor().load(pipeline());
    await t.run('selectAll');
    expect(Object.keys(t.state.selectedNodes)).toEqual(['gen', 'double', 'out']);
    expect(Object.keys(t.state.selectedEdges)).toEqual(['e1', 'e2']);
  });

  it('copy puts the selection on the clipboard as a graph, and paste adds it back as new nodes', async () => {
    const t = new TestEditor().load(pipeline());
    t.state.select(['double', 'out']);
    await t.run('copy');
    expect(JSON.parse(t.clipboard)).toMatchObject({
      format: 'sluice/graph',
      nodes: [{ id: 'double' }, { id: 'out' }],
      edges: [{ id: 'e2' }],
    });
    await t.run('paste');
    expect(t.nodeIds).toEqual(['gen', 'double', 'out', 'double2', 'out2']);
    expect(Object.keys(t.state.selectedNodes)).toEqual(['double2', 'out2']);
    t.state.undo();
    expect(t.nodeIds).toEqual(['gen', 'double', 'out']);
  });

  it('cut copies the selected nodes and removes them with their edges', async () => {
    const t = new TestEditor().load(pipeline());
    t.state.select(['double']);
    await t.run('cut');
    expect(JSON.parse(t.clipboard).nodes.map((n: { id: string }) => n.id)).toEqual(['double']);
    expect(t.nodeIds).toEqual(['gen', 'out']);
    expect(t.state.graph.edges).toEqual([]);
  });

  it('paste of text that is no Sluice graph says so and changes nothing', async () => {
    const t = new TestEditor().load(pipeline());
    t.clipboard = 'just some words';
    await t.run('paste');
    expect(t.state.notice?.text).toBe('Nothing to paste: the clipboard holds no Sluice nodes.');
    expect(t.state.past).toEqual([]);
  });

  it('auto-layout places the nodes left to right in one undo step, then fits the view', async () => {
    const t = new TestEditor().mountCanvas();
    const g = pipeline();
    t.load({ ...g, nodes: g.nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })) });
    expect(t.editor.actions.disabledReason('autoLayout')).toBeNull();
    await t.run('autoLayout');
    const x = (id: string) => t.state.graph.nodes.find((n) => n.id === id)!.position!.x;
    expect(x('gen')).toBeLessThan(x('double'));
    expect(x('double')).toBeLessThan(x('out'));
    expect(t.state.past).toHaveLength(1);
    expect(t.flowCalls).toEqual([]);
    t.paint();
    expect(t.flowCalls).toEqual(['fitView']);
  });

  it('auto-layout of an empty graph is disabled', () => {
    expect(new TestEditor().editor.actions.disabledReason('autoLayout')).toBe('The graph is empty.');
  });
});
