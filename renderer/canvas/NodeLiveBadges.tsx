import { memo } from 'react';
import { formatCount, formatMs, formatShare } from '../live/format.js';
import { useEditorStore } from '../store/useEditorStore.js';

/** The wall-clock time of a watermark, to the second (window nodes). */
function clock(ms: number): string {
  const d = new Date(ms);
  return Number.isFinite(d.getTime()) ? d.toLocaleTimeString([], { hour12: false }) : '–';
}

/**
 * A node's live counters under its ports: in, out, errors (red when any), dropped, busy share as a
 * bar, watermark and its delay behind wall clock (windows), state size. Subscribes to its own
 * node's metrics only.
 */
export const NodeLiveBadges = memo(function NodeLiveBadges({ nodeId, watermarked }: { nodeId: string; watermarked: boolean }) {
  const m = useEditorStore((s) => s.frame?.nodes[nodeId]);
  const frameTime = useEditorStore((s) => (watermarked ? (s.frame?.t ?? 0) : 0));
  if (!m) return null;
  const busy = Math.max(0, Math.min(1, m.busy));
  return (
    <div className="sl-node-live" data-testid={`node-live-${nodeId}`} data-status={m.status}>
      {m.status === 'failed' && <div className="sl-node-failed">failed</div>}
      <div className="live-counts">
        <span title="events in">
          <b>in</b> <span data-testid="node-in">{formatCount(m.in)}</span>
        </span>
        <span title="events out">
          <b>out</b> <span data-testid="node-out">{formatCount(m.out)}</span>
        </span>
        <span className={m.errors > 0 ? 'bad' : ''} title="events that failed in user code" data-testid="node-errors">
          <b>err</b> {formatCount(m.errors)}
        </span>
        <span className={m.dropped > 0 ? 'warn' : ''} title="events dropped by the node's own config">
          <b>drop</b> {formatCount(m.dropped)}
        </span>
      </div>
      <div className="live-busy" title={`busy ${formatShare(busy)} of the last second`}>
        <span className="bar">
          <span className={busy >= 0.8 ? 'fill hot' : busy >= 0.5 ? 'fill warm' : 'fill'} style={{ width: `${busy * 100}%` }} />
        </span>
        <span className="pct">{formatShare(busy)} busy</span>
        {m.stateSize > 0 && <span className="state">state {formatCount(m.stateSize)}</span>}
      </div>
      {watermarked && (
        <div className="live-wm" title="event-time watermark, and how far it is behind the wall clock">
          <b>wm</b> {m.watermark === null ? 'none yet' : `${clock(m.watermark)} · ${formatMs(frameTime - m.watermark)} behind`}
        </div>
      )}
    </div>
  );
});
