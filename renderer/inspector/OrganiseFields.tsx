import type { GraphNode } from '../../engine/contract/graphFile.js';
import { useEditor } from '../EditorContext.js';
import { groupsOf, setDisabled } from '../graph/organiseEdits.js';
import { useEditorStore } from '../store/useEditorStore.js';
import { ActionButton } from '../panels/ActionButton.js';

/** A node's "disabled" switch and the group it is in, in the node inspector. */
export function NodeOrganiseFields({ node }: { node: GraphNode }) {
  const { store } = useEditor();
  const group = useEditorStore((s) => groupsOf(s.graph).find((g) => g.nodes.includes(node.id))?.title ?? null);
  return (
    <div className="field">
      <label className="switch">
        <input
          type="checkbox"
          data-testid="node-disabled"
          checked={node.disabled === true}
          onChange={(e) => {
            const s = store.getState();
            s.commitDocument(setDisabled(s.graph, [node.id], e.target.checked));
          }}
        />{' '}
        Disabled
      </label>
      <div className="field-doc">
        A disabled node passes nothing on and holds nothing up: it takes its input and drops it, its outputs end when
        its inputs do (a disabled source ends at once), and its state is kept for when it is enabled again.
      </div>
      {group !== null && (
        <div className="field-doc" data-testid="node-group">
          In group “{group}”.
        </div>
      )}
    </div>
  );
}

/** Buttons for several selected nodes: group them, disable them. */
export function SelectionTools() {
  return (
    <div className="field" data-testid="selection-tools">
      <ActionButton id="groupSelection">Group them</ActionButton>{' '}
      <ActionButton id="toggleDisabled">Disable/enable them</ActionButton>
    </div>
  );
}
