import { memo } from 'react';
import type { ChartData } from '../store/runSlice.js';
import { useEditorStore } from '../store/useEditorStore.js';
import { formatCount } from './format.js';

const W = 360;
const H = 120;

/** One `sink.chart` node's latest points as an SVG polyline with its min/max. */
export const LiveChart = memo(function LiveChart({ title, data }: { title: string; data: ChartData | undefined }) {
  const points = data?.points ?? [];
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const [x, y] of points) {
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  const dx = x1 - x0 || 1;
  const dy = y1 - y0 || 1;
  const line = points
    .map(([x, y]) => `${(((x - x0) / dx) * (W - 8) + 4).toFixed(1)},${(H - 4 - ((y - y0) / dy) * (H - 8)).toFixed(1)}`)
    .join(' ');
  const last = points[points.length - 1];
  return (
    <figure className="live-chart" data-testid="live-chart" data-points={points.length}>
      <figcaption>
        <strong>{title}</strong>
        <span className="muted">
          {last ? `latest ${formatCount(last[1])} · ${points.length} points` : 'waiting for points…'}
        </span>
      </figcaption>
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`}>
        <line x1={4} x2={W - 4} y1={H - 4} y2={H - 4} className="axis" />
        {points.length > 1 && <polyline points={line} fill="none" />}
        {points.length > 0 && (
          <>
            <text x={W - 4} y={12} textAnchor="end">
              {formatCount(y1)}
            </text>
            <text x={W - 4} y={H - 8} textAnchor="end">
              {formatCount(y0)}
            </text>
          </>
        )}
      </svg>
    </figure>
  );
});

/** Every `sink.chart` node of the graph, plotted live from the points its operator logs. */
export function ChartsPanel() {
  const nodes = useEditorStore((s) => s.graph.nodes);
  const charts = useEditorStore((s) => s.charts);
  const chartNodes = nodes.filter((n) => n.type === 'sink.chart');
  if (chartNodes.length === 0) {
    return (
      <p className="muted dock-empty">Add a Chart sink (sink.chart) to plot a numeric expression of its events here.</p>
    );
  }
  return (
    <div className="dock-panel charts" data-testid="charts-panel">
      {chartNodes.map((n) => (
        <LiveChart
          key={n.id}
          title={(typeof n.config?.title === 'string' && n.config.title) || n.label || n.id}
          data={charts[n.id]}
        />
      ))}
    </div>
  );
}
