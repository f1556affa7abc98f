import { useState } from 'react';
import { isContractName } from '../../engine/contract/eventSchema.js';
import { useEditor } from '../EditorContext.js';
import { updateEdge } from '../graph/graphEdits.js';
import { useEditorStore } from '../store/useEditorStore.js';

/** A contract name from a node id: what `isContractName` accepts, else "events". */
function nameFrom(id: string | undefined): string {
  const cleaned = (id ?? '').replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return isContractName(cleaned) ? cleaned : 'events';
}

/**
 * "Save as contract" on a tapped edge (SPEC §11): the engine drafts
 * `schemas/<name>@<next version>.schema.json` beside the saved graph from the sampled values
 * (`inferSchema`: a starting point to edit), and the edge gets that contract. The schemas/ folder
 * is read again, so the draft is checked at once.
 */
export function SaveAsContract({ edgeId }: { edgeId: string }) {
  const { store, engine } = useEditor();
  const filePath = useEditorStore((s) => s.filePath);
  const producer = useEditorStore((s) => s.graph.edges.find((e) => e.id === edgeId)?.from?.node);
  const samples = useEditorStore((s) => s.tap?.events.length ?? 0);
  const [name, setName] = useState(() => nameFrom(producer));
  const [busy, setBusy] = useState(false);
  const valid = isContractName(name);
  const save = async (): Promise<void> => {
    const s = store.getState();
    if (!s.filePath || !s.tap) return;
    setBusy(true);
    try {
      const values = s.tap.events.map((t) => t.event.value);
      const { ref } = await engine.saveContract(s.filePath, name, values);
      const now = store.getState();
      now.commitDocument(updateEdge(now.graph, edgeId, (old) => ({ ...old, contract: ref })));
      now.setSchemas(await engine.loadSchemas(s.filePath));
      now.notify(
        `Saved schemas/${ref}.schema.json from ${values.length} sampled events: edit it to say what is allowed.`,
      );
    } catch (err) {
      store.getState().notify(err instanceof Error ? err.message : String(err), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="tap-contract" data-testid="tap-contract">
      <input
        value={name}
        onChange={(e) => setName(e.target.value)}
        aria-label="Contract name"
        aria-invalid={!valid}
        data-testid="tap-contract-name"
      />
      <button
        data-testid="tap-save-contract"
        disabled={busy || !valid || samples === 0 || filePath === null}
        title={filePath === null ? 'Save the graph first: contracts live in the schemas/ folder beside it.' : undefined}
        onClick={() => void save()}
      >
        Save as contract
      </button>
    </div>
  );
}
