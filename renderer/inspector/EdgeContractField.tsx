import type { GraphEdge } from '../../engine/contract/graphFile.js';
import { useEditor } from '../EditorContext.js';
import { updateEdge } from '../graph/graphEdits.js';
import { useEditorStore } from '../store/useEditorStore.js';

/**
 * The contract an edge declares (`orders@2`, SPEC §11), picked from the graph's schemas/ or typed;
 * empty: the edge carries what its producer emits. Validation checks it against both ends.
 */
export function EdgeContractField({ edge }: { edge: GraphEdge }) {
  const { store } = useEditor();
  const refs = useEditorStore((s) => s.schemas?.schemas.map((x) => x.ref).join('\n') ?? '');
  const listId = `edge-contracts-${edge.id}`;
  return (
    <div className="field">
      <label className="field-label" htmlFor="edge-contract">
        Contract
      </label>
      <input
        id="edge-contract"
        list={listId}
        value={typeof edge.contract === 'string' ? edge.contract : ''}
        placeholder="name@version"
        data-testid="edge-contract"
        onChange={(e) => {
          const s = store.getState();
          const value = e.target.value.trim();
          s.commitDocument(
            updateEdge(s.graph, edge.id, (old) => {
              const next = { ...old };
              if (value === '') delete next.contract;
              else next.contract = value;
              return next;
            }),
            { coalesce: `${edge.id}:contract` },
          );
        }}
      />
      <datalist id={listId}>
        {refs === '' ? null : refs.split('\n').map((ref) => <option key={ref} value={ref} />)}
      </datalist>
      <div className="field-doc">
        The contract events on this edge follow, from the graph's schemas/ folder. Empty: what the producer emits.
      </div>
    </div>
  );
}
