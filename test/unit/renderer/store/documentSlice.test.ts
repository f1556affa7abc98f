import { describe, expect, it } from 'vitest';
import { addNode, setConfigField } from '../../../../renderer/graph/graphEdits.js';
import { emptyGraph } from '../../../../renderer/store/documentSlice.js';
import { selectCanRedo, selectCanUndo, selectDirty } from '../../../../renderer/store/selectors.js';
import { TestEditor, pipeline } from '../TestEditor.js';

describe('the document slice', () => {
  it('starts as an empty, clean, trusted Untitled graph', () => {
    const t = new TestEditor();
    expect(t.state.graph).toEqual(emptyGraph());
    expect(t.state).toMatchObject({ filePath: null, savedGraph: null, trusted: true, past: [], future: [] });
    expect(selectDirty(t.state)).toBe(false);
  });

  it('records every commit as an undo step and drops the redo stack on a new change', () => {
    const t = new TestEditor();
    t.state.commitDocument(addNode(t.state.graph, 'map', { x: 0, y: 0 }).graph);
    t.wait(5000).state.commitDocument(addNode(t.state.graph, 'filter', { x: 0, y: 0 }).graph);
    expect(t.nodeIds).toEqual(['map', 'filter']);
    t.state.undo();
    expect(selectCanRedo(t.state)).toBe(true);
    t.state.commitDocument(addNode(t.state.graph, 'keyBy', { x: 0, y: 0 }).graph);
    expect(t.nodeIds).toEqual(['map', 'keyBy']);
    expect(selectCanRedo(t.state)).toBe(false);
    t.state.undo();
    t.state.undo();
    expect(t.nodeIds).toEqual([]);
    expect(selectCanUndo(t.state)).toBe(false);
  });

  it('ignores a commit that changes nothing', () => {
    const t = new TestEditor().load(pipeline());
    t.state.commitDocument(t.state.graph);
    expect(t.state.past).toEqual([]);
    expect(selectDirty(t.state)).toBe(false);
  });

  it('merges edits with one coalesce key less than a second apart, and only those', () => {
    const t = new TestEditor().load(pipeline());
    for (const text of ['v', 'va', 'val']) {
      t.wait(300).state.commitDocument(setConfigField(t.state.graph, 'double', 'expression', text), {
        coalesce: 'double:config:expression',
      });
    }
    expect(t.state.past).toHaveLength(1);
    t.wait(1500).state.commitDocument(setConfigField(t.state.graph, 'double', 'expression', 'value'), {
      coalesce: 'double:config:expression',
    });
    expect(t.state.past).toHaveLength(2);
    t.wait(100).state.commitDocument(setConfigField(t.state.graph, 'gen', 'count', 5), {
      coalesce: 'gen:config:count',
    });
    expect(t.state.past).toHaveLength(3);
    t.state.undo();
    t.state.undo();
    expect(t.state.graph.nodes[1]?.config.expression).toBe('val');
  });

  it('ends a burst when told, so a drag that stopped is its own step', () => {
    const t = new TestEditor().load(pipeline());
    const move = (x: number) => ({
      ...t.state.graph,
      nodes: t.state.graph.nodes.map((n) => (n.id === 'gen' ? { ...n, position: { x, y: 0 } } : n)),
    });
    t.state.commitDocument(move(10), { coalesce: 'drag' });
    t.state.commitDocument(move(20), { coalesce: 'drag' });
    t.state.endCoalesce();
    t.state.commitDocument(move(30), { coalesce: 'drag' });
    expect(t.state.past).toHaveLength(2);
  });

  it('keeps at most 200 undo steps, dropping the oldest', () => {
    const t = new TestEditor();
    for (let i = 0; i < 205; i++) t.state.commitDocument({ ...t.state.graph, name: `v${i}` });
    expect(t.state.past).toHaveLength(200);
    expect(t.state.past[0]?.name).toBe('v4');
  });

  it('is dirty after a change, and clean again when undone back to what was saved', () => {
    const t = new TestEditor().load(pipeline(), { filePath: '/g/p.sluice.json' });
    t.state.commitDocument({ ...t.state.graph, name: 'Renamed' });
    expect(selectDirty(t.state)).toBe(true);
    t.state.undo();
    expect(selectDirty(t.state)).toBe(false);
    t.state.redo();
    t.state.markSaved('/g/renamed.sluice.json');
    expect(selectDirty(t.state)).toBe(false);
    expect(t.state.filePath).toBe('/g/renamed.sluice.json');
  });

  it('undo and redo drop the selection of what they took away', () => {
    const t = new TestEditor().load(pipeline());
    t.state.commitDocument(addNode(t.state.graph, 'filter', { x: 0, y: 0 }).graph);
    t.state.select(['filter', 'gen'], ['e1']);
    t.state.undo();
    expect(Object.keys(t.state.selectedNodes)).toEqual(['gen']);
    expect(Object.keys(t.state.selectedEdges)).toEqual(['e1']);
  });

  it('replacing the document clears history, selection, problems and sizes, and takes the new origin', () => {
    const t = new TestEditor().load(pipeline());
    t.state.commitDocument({ ...t.state.graph, name: 'Edited' });
    t.state.select(['gen']);
    t.state.setMeasured({ gen: { width: 10, height: 10 } });
    t.validate();
    t.state.setProblems([{ severity: 'warning', message: 'x' }]);
    t.state.replaceDocument(pipeline('Imported'), { filePath: null, trusted: false, saved: false });
    expect(t.state).toMatchObject({
      filePath: null,
      savedGraph: null,
      trusted: false,
      past: [],
      future: [],
      selectedNodes: {},
      selectedEdges: {},
      problems: [],
      measured: {},
    });
    expect(t.state.graph.name).toBe('Imported');
    // Imported, not saved: the first edit makes it dirty, as a template's does.
    t.state.commitDocument({ ...t.state.graph, name: 'Mine' });
    expect(selectDirty(t.state)).toBe(true);
    t.state.setTrusted(true);
    expect(t.state.trusted).toBe(true);
  });

  it('two editors never share a document or its history', () => {
    const a = new TestEditor().load(pipeline('A'));
    const b = new TestEditor();
    a.state.commitDocument({ ...a.state.graph, name: 'A2' });
    expect(b.state.graph.name).toBe('Untitled');
    expect(b.state.past).toEqual([]);
  });
});
