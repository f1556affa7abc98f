import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { pressureLevel, type PressureLevel } from '../live/findBottleneck.js';
import { formatCount, formatRate, strokeWidthFor } from '../live/format.js';
import { EdgeHoverCard } from '../live/EdgeHoverCard.js';
import type { EditorState } from '../store/editorState.js';
import type { SluiceFlowEdge } from '../store/selectors.js';
import { editorStore, useEditorStore } from '../store/useEditorStore.js';

/** A run that will publish no more frames: its exact totals are final and worth showing. */
const isFinal = (status: string | undefined) => status === 'finished' || status === 'stopped' || status === 'failed';

/**
 * What an edge's stroke shows and what its label shows, each as one string: a selector
 * returning it re-renders its part only when something visible changed (a steady 400/s stays
 * "400/s"). The stroke changes rarely (pressure level, width step, flowing); the label with
 * every rate change. Exact totals are in the label only once the run is over.
 */
function strokeView(s: EditorState, id: string): string | null {
  const m = s.frame?.edges[id];
  if (!m) return null;
  const flowing = m.rate > 0;
  const onBottleneck = s.bottleneck?.edgeIds.includes(id) ?? false;
  return `${pressureLevel(m)}|${strokeWidthFor(m.rate).toFixed(1)}|${flowing ? 1 : ''}|${flowing && s.motion ? 1 : ''}|${onBottleneck ? 1 : ''}`;
}

function labelView(s: EditorState, id: string): string | null {
  const m = s.frame?.edges[id];
  if (!m) return null;
  const lag = m.lag === undefined ? '' : formatCount(m.lag);
  const total = isFinal(s.runStatus ?? undefined) ? String(m.total) : '';
  const onBottleneck = s.bottleneck?.edgeIds.includes(id) ?? false;
  return [
    formatRate(m.rate),
    formatCount(m.queued),
    formatCount(m.capacity),
    lag,
    pressureLevel(m),
    m.rate > 0 ? '1' : '',
    total,
    onBottleneck ? '1' : '',
  ].join('|');
}

/**
 * An edge of the canvas. While a run reports metrics it is drawn from them: width from the rate
 * (log scale), colour from backpressure, a moving dash while events flow, and a label with
 * events/s, queued/capacity and topic lag. The edge itself follows only geometry; its stroke
 * and its label each select their own view of the frame, so a frame re-renders just the labels
 * whose numbers changed, and the strokes whose look changed, never the graph around them.
 */
export const LiveEdge = memo(function LiveEdge(props: EdgeProps<SluiceFlowEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd } = props;
  const [path, labelX, labelY] = getSmoothStepPath({
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition,
    targetPosition,
  });
  return (
    <>
      <EdgeStroke id={id} path={path} markerEnd={markerEnd} />
      <EdgeLabel id={id} x={labelX} y={labelY} />
    </>
  );
});

const EdgeStroke = memo(function EdgeStroke({ id, path, markerEnd }: { id: string; path: string; markerEnd?: string }) {
  const view = useEditorStore((s) => strokeView(s, id));
  if (view === null) return <BaseEdge id={id} path={path} markerEnd={markerEnd} interactionWidth={16} />;
  const [level, width, flowing, moving, onBottleneck] = view.split('|') as [
    PressureLevel,
    string,
    string,
    string,
    string,
  ];
  const cls = `edge-live ${level}${flowing ? ' flowing' : ''}${moving ? ' moving' : ''}${onBottleneck ? ' bottleneck' : ''}`;
  return (
    <BaseEdge
      id={id}
      path={path}
      markerEnd={markerEnd}
      interactionWidth={16}
      className={cls}
      style={{ strokeWidth: Number(width) }}
      data-testid={`edge-path-${id}`}
      data-pressure={level}
    />
  );
});

const EdgeLabel = memo(function EdgeLabel({ id, x, y }: { id: string; x: number; y: number }) {
  const view = useEditorStore((s) => labelView(s, id));
  const hovered = useEditorStore((s) => s.hoveredEdge === id);
  const tapped = useEditorStore((s) => s.tap?.edgeId === id);
  if (view === null) return null;
  const [rate, queued, capacity, lag, level, flowing, total, onBottleneck] = view.split('|') as [
    string,
    string,
    string,
    string,
    PressureLevel,
    string,
    string,
    string,
  ];
  return (
    <EdgeLabelRenderer>
      <div
        className={`edge-label ${level}${onBottleneck ? ' bottleneck' : ''}${tapped ? ' tapped' : ''}`}
        style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}
        data-testid={`edge-label-${id}`}
        data-pressure={level}
        data-flowing={flowing ? 'true' : 'false'}
        data-total={total || undefined}
        onMouseEnter={() => editorStore.getState().setHoveredEdge(id)}
        onMouseLeave={() => editorStore.getState().setHoveredEdge(null)}
      >
        <span className="rate" data-testid="edge-rate">
          {rate}
        </span>
        <span className="queue" title="queued / capacity">
          {queued}/{capacity}
        </span>
        {lag && (
          <span className="lag" title="consumer lag: published, not yet read by this subscriber">
            lag {lag}
          </span>
        )}
        {hovered && <EdgeHoverCard edgeId={id} />}
      </div>
    </EdgeLabelRenderer>
  );
});
