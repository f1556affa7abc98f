import { useEditor } from '../EditorContext.js';
import type { EdgeSeries } from '../store/MetricsHistory.js';
import { useEditorStore } from '../store/useEditorStore.js';
import { pressureLevel } from './findBottleneck.js';
import { edgeWatermarkText } from './liveViews.js';
import { formatBytes, formatCount, formatMs, formatRate, formatShare } from './format.js';
import { Sparkline } from './Sparkline.js';
import { toggleTap } from './toggleTap.js';

const ROWS: Array<{ series: EdgeSeries; label: string }> = [
  { series: 'rate', label: 'events/s' },
  { series: 'queued', label: 'queued' },
  { series: 'backpressure', label: 'backpressure' },
  { series: 'latencyP50', label: 'latency p50' },
  { series: 'latencyP99', label: 'latency p99' },
  { series: 'bytesRate', label: 'bytes/s' },
  { series: 'lag', label: 'consumer lag' },
];

/** The card over a hovered edge label: every metric with its one-minute sparkline, and Tap. */
export function EdgeHoverCard({ edgeId }: { edgeId: string }) {
  const editor = useEditor();
  const m = useEditorStore((s) => s.frame?.edges[edgeId]);
  const history = useEditorStore((s) => s.history);
  const tapped = useEditorStore((s) => s.tap?.edgeId === edgeId);
  if (!m) return null;
  const value = (series: EdgeSeries): string => {
    switch (series) {
      case 'rate':
        return formatRate(m.rate);
      case 'queued':
        return `${formatCount(m.queued)} / ${formatCount(m.capacity)}`;
      case 'backpressure':
        return `${formatShare(m.backpressure)} · ${pressureLevel(m)}`;
      case 'latencyP50':
        return formatMs(m.latencyP50);
      case 'latencyP99':
        return formatMs(m.latencyP99);
      case 'bytesRate':
        return `${formatBytes(m.bytesRate)}/s`;
      case 'lag':
        return m.lag === undefined
          ? ''
          : `${formatCount(m.lag)}${m.skipped ? ` (${formatCount(m.skipped)} skipped)` : ''}`;
    }
  };
  return (
    <div className="edge-card nodrag nopan" data-testid="edge-card" onMouseDown={(e) => e.stopPropagation()}>
      <div className="edge-card-head">
        <strong>{edgeId}</strong>
        <span className="muted">{formatCount(m.total)} events in total</span>
      </div>
      <table>
        <tbody>
          {ROWS.filter((r) => r.series !== 'lag' || m.lag !== undefined).map((r) => (
            <tr key={r.series}>
              <th>{r.label}</th>
              <td>{value(r.series)}</td>
              <td>
                <Sparkline ring={history.edge(edgeId, r.series)} />
              </td>
            </tr>
          ))}
          {edgeWatermarkText(m) !== '' && (
            <tr data-testid="edge-watermark">
              <th>watermark</th>
              <td colSpan={2}>{edgeWatermarkText(m)}</td>
            </tr>
          )}
        </tbody>
      </table>
      <button
        className="tap-button"
        data-testid="edge-tap"
        onClick={(e) => {
          e.stopPropagation();
          void toggleTap(editor.actionContext, tapped ? null : edgeId);
          editor.store.getState().setHoveredEdge(null);
        }}
      >
        {tapped ? 'Stop tapping' : 'Tap this edge'}
      </button>
    </div>
  );
}
