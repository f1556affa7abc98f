import { useReactFlow } from '@xyflow/react';
import type { Problem } from '../../engine/contract/problem.js';
import type { EditorState } from '../store/editorState.js';
import { useEditor } from '../EditorContext.js';
import { useEditorStore } from '../store/useEditorStore.js';

const selectProblems = (s: EditorState) => s.problems;
const selectOpen = (s: EditorState) => s.problemsOpen;

/** Every validation problem; a click selects the node or edge and brings it into view. */
export function ProblemsPanel() {
  const { store } = useEditor();
  const problems = useEditorStore(selectProblems);
  const open = useEditorStore(selectOpen);
  const flow = useReactFlow();
  const errors = problems.filter((p) => p.severity === 'error').length;
  const notes = problems.filter((p) => p.severity === 'info').length;
  const warnings = problems.length - errors - notes;

  const focus = (p: Problem) => {
    const s = store.getState();
    const edge = p.edgeId ? s.graph.edges.find((e) => e.id === p.edgeId) : undefined;
    const nodeId = p.nodeId ?? edge?.to?.node ?? edge?.from?.node;
    if (edge && !p.nodeId) s.select([], [edge.id]);
    else if (nodeId) s.select([nodeId]);
    const node = nodeId ? flow.getNode(nodeId) : undefined;
    if (node) {
      const w = node.measured?.width ?? 180;
      const h = node.measured?.height ?? 80;
      void flow.setCenter(node.position.x + w / 2, node.position.y + h / 2, {
        zoom: Math.max(flow.getZoom(), 0.9),
        duration: 300,
      });
    }
  };

  return (
    <section className={`problems${open ? ' open' : ''}`} data-testid="problems">
      <button className="problems-head" onClick={() => store.getState().setProblemsOpen(!open)}>
        <span className="chevron">{open ? '▾' : '▸'}</span>
        Problems
        <span className={`count ${errors ? 'error' : warnings ? 'warning' : 'ok'}`} data-testid="problem-count">
          {[
            errors && `${errors} error${errors === 1 ? '' : 's'}`,
            warnings && `${warnings} warning${warnings === 1 ? '' : 's'}`,
            notes && `${notes} note${notes === 1 ? '' : 's'}`,
          ]
            .filter(Boolean)
            .join(', ') || 'none'}
        </span>
      </button>
      {open && (
        <ul className="problems-list">
          {problems.length === 0 && <li className="muted">The graph is valid.</li>}
          {problems.map((p, i) => (
            <li key={i} className={p.severity} onClick={() => focus(p)} data-testid="problem-item">
              <span className="sev">{p.severity === 'error' ? '●' : p.severity === 'info' ? 'ⓘ' : '▲'}</span>
              <span className="where">{p.nodeId ?? p.edgeId ?? 'graph'}</span>
              <span className="msg">{p.message}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
