import { describe, expect, it } from 'vitest';
import {
  selectFlowEdges,
  selectFlowNodes,
  selectInspectedEdge,
  selectInspectedNode,
  selectProblemsGrouped,
} from '../../../../renderer/store/selectors.js';
import { TestEditor, pipeline } from '../TestEditor.js';

describe('selectors', () => {
  it('keep their memory per store: two editors read alternately still get their own cached results', () => {
    const a = new TestEditor().load(pipeline('A'));
    const b = new TestEditor().load(pipeline('B'));
    const nodesA = selectFlowNodes(a.state);
    const edgesA = selectFlowEdges(a.state);
    const nodesB = selectFlowNodes(b.state);
    selectFlowEdges(b.state);
    expect(selectFlowNodes(a.state)).toBe(nodesA);
    expect(selectFlowEdges(a.state)).toBe(edgesA);
    expect(selectFlowNodes(b.state)).toBe(nodesB);
    expect(nodesB).not.toBe(nodesA);
  });

  it('group problems by node and edge, reusing the lists whose messages did not change', () => {
    const t = new TestEditor().load(pipeline());
    t.state.setProblems([
      { severity: 'error', nodeId: 'double', field: 'expression', message: 'Does not parse.' },
      { severity: 'warning', edgeId: 'e2', message: 'Slow.' },
    ]);
    const first = selectProblemsGrouped(t.state);
    expect(first.byNode.get('double')?.map((p) => p.message)).toEqual(['Does not parse.']);
    expect(first.byEdge.get('e2')?.map((p) => p.message)).toEqual(['Slow.']);
    t.state.setProblems([
      { severity: 'error', nodeId: 'double', field: 'expression', message: 'Does not parse.' },
      { severity: 'warning', edgeId: 'e2', message: 'Slower.' },
    ]);
    const second = selectProblemsGrouped(t.state);
    expect(second.byNode.get('double')).toBe(first.byNode.get('double'));
    expect(second.byEdge.get('e2')).not.toBe(first.byEdge.get('e2'));
    const flow = selectFlowEdges(t.state).find((e) => e.id === 'e2');
    expect(flow?.className).toBe('edge-problem');
  });

  it('inspect one node or one edge only when exactly it is selected', () => {
    const t = new TestEditor().load(pipeline());
    t.state.select(['gen']);
    expect(selectInspectedNode(t.state)?.id).toBe('gen');
    t.state.select(['gen'], ['e1']);
    expect(selectInspectedNode(t.state)).toBeUndefined();
    expect(selectInspectedEdge(t.state)).toBeUndefined();
    t.state.select([], ['e1']);
    expect(selectInspectedEdge(t.state)?.id).toBe('e1');
  });
});
