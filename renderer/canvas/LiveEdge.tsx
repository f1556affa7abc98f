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
 * What an edge shows, as one string: the selector returns it, so the edge re-renders only when
 * something visible changed (a steady 400/s stays "400/s"), not on every frame. Exact totals are
 * in it only once the run is over, for the same reason.
 */
function edgeView(s: EditorState, id: string): string | null {
  const m = s.frame?.edges[id];
  if (!m) return null;
  const level = pressureLevel(m);
  const width = strokeWidthFor(m.rate).toFixed(1);
  const lag = m.lag === undefined ? '' : formatCount(m.lag);
  const total = isFinal(s.runStatus ?? undefined) ? String(m.total) : '';
  return [
    formatRate(m.rate),
    formatCount(m.queued),
    formatCount(m.capacity),
    lag,
    level,
    width,
    m.rate > 0 ? '1' : '',
    total,
  ].join('|');
}

/**
 * An edge of the canvas. While a run reports metrics it is drawn from them: width from the rate
 * (log scale), colour from backpressure, a moving dash while events flow, and a label with
 * events/s, queued/capacity and topic lag. It selects only its own view of the frame, so a frame
 * re-renders just the edges whose numbers changed and never the graph around them.
 */
export const LiveEdge = memo(function LiveEdge(props: EdgeProps<SluiceFlowEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd } = props;
  const view = useEditorStore((s) => edgeView(s, id));
  const motion = useEditorStore((s) => s.motion);
  const onBottleneck = useEditorStore((s) => s.bottleneck?.edgeIds.includes(id) ?? false);
  const hovered = useEditorStore((s) => s.hoveredEdge === id);
  const tapped = useEditorStore((s) => s.tap?.edgeId === id);
  const [path, labelX, labelY] = getSmoothStepPath({
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition,
    targetPosition,
  });
  if (view === null) return <BaseEdge id={id} path={path} markerEnd={markerEnd} interactionWidth={16} />;
  const [rate, queued, capacity, lag, level, width, flowing, total] = view.split('|') as [
    string,
    string,
    string,
    string,
    PressureLevel,
    string,
    string,
    string,
  ];
  const cls = `edge-live ${level}${flowing ? ' flowing' : ''}${flowing && motion ? ' moving' : ''}${onBottleneck ? ' bottleneck' : ''}`;
  return (
    <>
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
      <EdgeLabelRenderer>
        <div
          className={`edge-label ${level}${onBottleneck ? ' bottleneck' : ''}${tapped ? ' tapped' : ''}`}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
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
    </>
  );
});
