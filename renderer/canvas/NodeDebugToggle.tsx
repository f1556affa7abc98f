import { setNodeDebug } from '../actions/debugActions.js';
import { useEditor } from '../EditorContext.js';
import { useEditorStore } from '../store/useEditorStore.js';

/**
 * The "debug" toggle in a node's head: on, the node's messages (what it emits; what a sink
 * receives) go to the debug sidebar while a run goes. Shown on hover, and always when on.
 */
export function NodeDebugToggle({ nodeId, pinned }: { nodeId: string; pinned: boolean }) {
  const { actionContext } = useEditor();
  const on = useEditorStore((s) => s.debugNodes[nodeId] === true);
  return (
    <>
      {pinned && (
        <span
          className="sl-node-pinned"
          data-testid={`node-pinned-${nodeId}`}
          title="Design runs emit its pinned sample"
        >
          pinned
        </span>
      )}
      <button
        type="button"
        className={`sl-node-debug nodrag${on ? ' on' : ''}`}
        data-testid={`node-debug-${nodeId}`}
        aria-pressed={on}
        title={on ? 'Debug on: its messages go to the debug sidebar (click to stop)' : 'Debug: show its messages'}
        onClick={(e) => {
          e.stopPropagation();
          void setNodeDebug(actionContext, nodeId, !on);
        }}
      >
        dbg
      </button>
    </>
  );
}
