import { DEFAULT_SETTINGS, type GraphEdge } from '../../engine/contract/graphFile.js';
import { updateEdge } from '../graph/graphEdits.js';
import { selectProblemsGrouped } from '../store/selectors.js';
import { useEditor } from '../EditorContext.js';
import { useEditorStore } from '../store/useEditorStore.js';
import { EdgeContractField } from './EdgeContractField.js';
import { ProblemList } from './ProblemList.js';
import { AlertRules } from './AlertRules.js';

/** An edge's settings: its queue capacity. */
export function EdgeInspector({ edge }: { edge: GraphEdge }) {
  const { store } = useEditor();
  const defaultCapacity = useEditorStore(
    (s) => s.graph.settings?.defaultEdgeCapacity ?? DEFAULT_SETTINGS.defaultEdgeCapacity,
  );
  const problems = useEditorStore((s) => selectProblemsGrouped(s).byEdge.get(edge.id));
  return (
    <div className="inspector-body" data-testid="edge-inspector">
      <div className="inspector-head">
        <div className="panel-title">Edge</div>
        <code className="type">{edge.id}</code>
      </div>
      <p className="doc">
        <code>
          {edge.from?.node}.{edge.from?.port}
        </code>{' '}
        →{' '}
        <code>
          {edge.to?.node}.{edge.to?.port}
        </code>
      </p>
      {problems && <ProblemList problems={problems} />}
      <EdgeContractField edge={edge} />
      <div className="field">
        <label className="field-label" htmlFor="edge-capacity">
          Capacity
        </label>
        <input
          id="edge-capacity"
          type="number"
          min={1}
          step={1}
          value={typeof edge.capacity === 'number' ? edge.capacity : ''}
          placeholder={String(defaultCapacity)}
          data-testid="edge-capacity"
          onChange={(e) => {
            const s = store.getState();
            const value = e.target.value === '' ? undefined : Number(e.target.value);
            s.commitDocument(
              updateEdge(s.graph, edge.id, (old) => {
                const next = { ...old };
                if (value === undefined) delete next.capacity;
                else next.capacity = value;
                return next;
              }),
              { coalesce: `${edge.id}:capacity` },
            );
          }}
        />
        <div className="field-doc">
          Events the queue holds before the producer waits (backpressure). Default: the graph's {defaultCapacity}.
        </div>
      </div>
      <AlertRules subject={{ kind: 'edge', id: edge.id }} />
    </div>
  );
}
