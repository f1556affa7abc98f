import { memo } from 'react';
import { connectionBadgeView } from '../live/connectionViews.js';
import { useEditorStore } from '../store/useEditorStore.js';

/**
 * A connector node's connection state in the live frame ("connected", "reconnecting (3)",
 * "failed: …"). The selector yields a string, so React renders the pill only when its words
 * change (a state change), not once per frame.
 */
export const ConnectionBadge = memo(function ConnectionBadge({ nodeId }: { nodeId: string }) {
  const key = useEditorStore((s) => {
    const c = s.frame?.nodes[nodeId]?.connection;
    if (!c) return '';
    const v = connectionBadgeView(c);
    return `${v.tone}\u0000${v.text}\u0000${v.detail}`;
  });
  if (key === '') return null;
  const [tone, text, detail] = key.split('\u0000') as [string, string, string];
  return (
    <div
      className={`sl-conn-badge sl-conn-${tone}`}
      role="status"
      title={detail || text}
      data-testid={`node-connection-${nodeId}`}
      data-state={tone}
    >
      <span className="sl-conn-dot" aria-hidden="true" />
      <span className="sl-conn-text">{text}</span>
    </div>
  );
});
