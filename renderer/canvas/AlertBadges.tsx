import { EdgeLabelRenderer } from '@xyflow/react';
import { firingOn } from '../store/alertSlice.js';
import { useEditorStore } from '../store/useEditorStore.js';

/** A red mark in a node's head while an alert on the node fires; its title says which. */
export function NodeAlertBadge({ nodeId }: { nodeId: string }) {
  const firing = useEditorStore((s) => firingOn(s, 'node', nodeId));
  if (!firing) return null;
  return (
    <span className="sl-alert-badge" data-testid={`node-alert-${nodeId}`} title={`Alert firing: ${firing}`}>
      alert
    </span>
  );
}

/** A red mark above an edge's label while an alert on the edge fires. */
export function EdgeAlertBadge({ edgeId, x, y }: { edgeId: string; x: number; y: number }) {
  const firing = useEditorStore((s) => firingOn(s, 'edge', edgeId));
  if (!firing) return null;
  return (
    <EdgeLabelRenderer>
      <span
        className="sl-alert-badge edge"
        data-testid={`edge-alert-${edgeId}`}
        title={`Alert firing: ${firing}`}
        style={{ transform: `translate(-50%, -100%) translate(${x}px, ${y - 16}px)` }}
      >
        alert
      </span>
    </EdgeLabelRenderer>
  );
}
