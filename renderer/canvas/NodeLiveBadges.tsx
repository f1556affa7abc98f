import { memo } from 'react';
import { formatCount, formatMs } from '../live/format.js';
import type { EditorState } from '../store/editorState.js';
import { useEditorStore } from '../store/useEditorStore.js';

/** The wall-clock time of a watermark, to the second (window nodes). */
function clock(ms: number): string {
  const d = new Date(ms);
  return Number.isFinite(d.getTime()) ? d.toLocaleTimeString([], { hour12: false }) : '–';
}

const isFinal = (status: string | undefined) => status === 'finished' || status === 'stopped' || status === 'failed';

/**
 * What a node's badges show, as one string, so the node re-renders only when a visible number
 * changes. Exact counts (data attributes) join once the run is over.
 */
function nodeView(s: EditorState, nodeId: string, watermarked: boolean): string | null {
  const m = s.frame?.nodes[nodeId];
  if (!m) return null;
  // Whole 5 % steps: finer jitter is noise, and each change re-renders the node.
  const busy = Math.round(Math.max(0, Math.min(1, m.busy)) * 20) * 5;
  const wm = !watermarked
    ? ''
    : m.watermark === null
      ? 'none yet'
      : `${clock(m.watermark)} · ${formatMs(s.frame!.t - m.watermark)} behind`;
  const exact = isFinal(s.runStatus ?? undefined) ? `${m.in},${m.out},${m.errors}` : '';
  return [
    m.status,
    formatCount(m.in),
    formatCount(m.out),
    formatCount(m.errors),
    formatCount(m.dropped),
    busy,
    m.stateSize > 0 ? formatCount(m.stateSize) : '',
    wm,
    exact,
  ].join('|');
}

/**
 * A node's live counters under its ports: in, out, errors (red when any), dropped, busy share as a
 * bar, watermark and its delay behind wall clock (windows), state size. Subscribes to its own
 * node's view only.
 */
export const NodeLiveBadges = memo(function NodeLiveBadges({
  nodeId,
  watermarked,
}: {
  nodeId: string;
  watermarked: boolean;
}) {
  const view = useEditorStore((s) => nodeView(s, nodeId, watermarked));
  if (view === null) return null;
  const [status, inText, outText, errText, dropText, busyText, state, wm, exact] = view.split('|') as string[];
  const [exactIn, exactOut, exactErrors] = exact ? exact.split(',') : [];
  const busy = Number(busyText);
  return (
    <div
      className="sl-node-live"
      data-testid={`node-live-${nodeId}`}
      data-status={status}
      data-in={exactIn}
      data-out={exactOut}
      data-errors={exactErrors}
    >
      {status === 'failed' && <div className="sl-node-failed">failed</div>}
      <div className="live-counts">
        <span title="events in">
          <b>in</b> <span data-testid="node-in">{inText}</span>
        </span>
        <span title="events out">
          <b>out</b> <span data-testid="node-out">{outText}</span>
        </span>
        <span
          className={errText !== '0' ? 'bad' : ''}
          title="events that failed in user code"
          data-testid="node-errors"
        >
          <b>err</b> {errText}
        </span>
        <span className={dropText !== '0' ? 'warn' : ''} title="events dropped by the node's own config">
          <b>drop</b> {dropText}
        </span>
      </div>
      <div className="live-busy" title={`busy ${busy}% of the last second`}>
        <span className="bar">
          <span className={busy >= 80 ? 'fill hot' : busy >= 50 ? 'fill warm' : 'fill'} style={{ width: `${busy}%` }} />
        </span>
        <span className="pct">{busy}% busy</span>
        {state && <span className="state">state {state}</span>}
      </div>
      {watermarked && (
        <div className="live-wm" title="event-time watermark, and how far it is behind the wall clock">
          <b>wm</b> {wm}
        </div>
      )}
    </div>
  );
});
