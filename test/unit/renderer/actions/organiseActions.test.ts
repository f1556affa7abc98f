import { describe, expect, it } from 'vitest';
import { saveGraph } from '../../../../engine/graph/saveGraph.js';
import { loadGraph } from '../../../../engine/graph/loadGraph.js';
import { groupsOf, notesOf, removeNote, renameGroup, updateNote } from '../../../../renderer/graph/organiseEdits.js';
import { TestEditor, pipeline } from '../TestEditor.js';

describe('organising a graph: notes, groups, disabled nodes', () => {
  it('adds a note, edits it, and the graph file keeps it as data; undo takes each step back', async () => {
    const t = new TestEditor().load(pipeline());
    await t.run('addNote');
    expect(notesOf(t.state.graph)).toEqual([{ id: 'note', text: '', position: { x: 0, y: 0 } }]);
    t.wait(2000);
    t.state.commitDocument(updateNote(t.state.graph, 'note', { text: 'Doubles each seq' }));
    t.wait(2000);
    await t.run('addNote');
    expect(notesOf(t.state.graph).map((n) => n.id)).toEqual(['note', 'note2']);
    const loaded = loadGraph(saveGraph(t.state.graph));
    expect(loaded.ok && notesOf(loaded.graph)[0]!.text).toBe('Doubles each seq');
    t.state.undo();
    expect(notesOf(t.state.graph).map((n) => n.id)).toEqual(['note']);
    t.state.commitDocument(removeNote(t.state.graph, 'note'));
    expect('notes' in t.state.graph).toBe(false);
  });

  it('groups the selection under a title; a node moves to a new group; deleting nodes prunes groups', async () => {
    const t = new TestEditor().load(pipeline());
    t.state.select(['gen', 'double']);
    await t.run('groupSelection');
    expect(groupsOf(t.state.graph)).toEqual([{ id: 'group', title: 'Group', nodes: ['gen', 'double'] }]);
    t.state.commitDocument(renameGroup(t.state.graph, 'group', 'Ingest'));
    t.state.select(['double', 'out']);
    await t.run('groupSelection');
    expect(groupsOf(t.state.graph)).toEqual([
      { id: 'group', title: 'Ingest', nodes: ['gen'] },
      { id: 'group2', title: 'Group', nodes: ['double', 'out'] },
    ]);
    t.state.select(['gen']);
    await t.run('delete');
    expect(groupsOf(t.state.graph).map((g) => g.id)).toEqual(['group2']);
    t.validate();
    expect(t.state.problems.filter((p) => p.field?.startsWith('groups'))).toEqual([]);
  });

  it('disables and enables the selected nodes; validation says what downstream sees and the graph still runs', async () => {
    const t = new TestEditor().load(pipeline());
    expect(t.editor.actions.disabledReason('toggleDisabled')).toBe('Select the nodes to disable.');
    t.state.select(['double']);
    await t.run('toggleDisabled');
    expect(t.state.graph.nodes.find((n) => n.id === 'double')!.disabled).toBe(true);
    const problems = t.validate();
    expect(problems.map((p) => [p.severity, p.nodeId])).toEqual([['warning', 'double']]);
    expect(t.editor.actions.disabledReason('run')).toBeNull();
    await t.run('run');
    expect(
      (t.engine.callsOf('startRun')[0]![0] as { graph: { nodes: Array<{ disabled?: boolean }> } }).graph.nodes[1]!
        .disabled,
    ).toBe(true);
    await t.run('toggleDisabled');
    expect('disabled' in t.state.graph.nodes.find((n) => n.id === 'double')!).toBe(false);
  });
});
