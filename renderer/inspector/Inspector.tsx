import type { EditorState } from '../store/editorState.js';
import { selectInspectedEdge, selectInspectedNode } from '../store/selectors.js';
import { useEditorStore } from '../store/useEditorStore.js';
import { EdgeInspector } from './EdgeInspector.js';
import { GraphSettings } from './GraphSettings.js';
import { NodeInspector } from './NodeInspector.js';
import { SelectionTools } from './OrganiseFields.js';

const selectSelectionCount = (s: EditorState) =>
  Object.keys(s.selectedNodes).length + Object.keys(s.selectedEdges).length;

/** The right panel: the selected node's form, the selected edge, or the graph's settings. */
export function Inspector() {
  const node = useEditorStore(selectInspectedNode);
  const edge = useEditorStore(selectInspectedEdge);
  const count = useEditorStore(selectSelectionCount);
  return (
    <aside className="inspector" data-testid="inspector">
      {node ? (
        <NodeInspector key={node.id} node={node} />
      ) : edge ? (
        <EdgeInspector key={edge.id} edge={edge} />
      ) : count > 1 ? (
        <div className="inspector-body">
          <div className="panel-title">{count} items selected</div>
          <p className="muted">Delete, duplicate (Ctrl+D) or copy them, or select one to edit it.</p>
          <SelectionTools />
        </div>
      ) : (
        <GraphSettings />
      )}
    </aside>
  );
}
