import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import type { EdgeMetrics } from '../../engine/contract/metrics.js';
import { pressureLevel } from '../live/findBottleneck.js';
import { formatCount, formatRate, strokeWidthFor } from '../live/format.js';
import { EdgeHoverCard } from '../live/EdgeHoverCard.js';
import type { SluiceFlowEdge } from '../store/selectors.js';
import { editorStore, useEditorStore } from '../store/useEditorStore.js';

/**
 * An edge of the canvas. While a run reports metrics it is drawn from them: width from the rate
 * (log scale), colour from backpressure, a moving dash while events flow, and a label with
 * events/s, queued/capacity and topic lag. It selects only its own entry of the frame, so a frame
 * re-renders each edge once and never the graph around it.
 */
export const LiveEdge = memo(function LiveEdge(props: EdgeProps<SluiceFlowEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd } = props;
  const m = useEditorStore((s) => s.frame?.edges[id]);
  const onBottleneck = useEditorStore((s) => s.bottleneck?.edgeIds.includes(id) ?? false);
  const hovered = useEditorStore((s) => s.hoveredEdge === id);
  const tapped = useEditorStore((s) => s.tap?.edgeId === id);
  const [path, labelX, labelY] = getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  if (!m) return <BaseEdge id={id} path={path} markerEnd={markerEnd} interactionWidth={16} />;
  const level = pressureLevel(m);
  const cls = `edge-live ${level}${m.rate > 0 ? ' flowing' : ''}${onBottleneck ? ' bottleneck' : ''}`;
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        interactionWidth={16}
        className={cls}
        style={{ strokeWidth: strokeWidthFor(m.rate) }}
        data-testid={`edge-path-${id}`}
        data-pressure={level}
      />
      <EdgeLabelRenderer>
        <div
          className={`edge-label ${level}${onBottleneck ? ' bottleneck' : ''}${tapped ? ' tapped' : ''}`}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          data-testid={`edge-label-${id}`}
          data-pressure={level}
          data-rate={m.rate}
          onMouseEnter={() => editorStore.getState().setHoveredEdge(id)}
          onMouseLeave={() => editorStore.getState().setHoveredEdge(null)}
        >
          <EdgeLabelText m={m} />
          {hovered && <EdgeHoverCard edgeId={id} />}
        </div>
      </EdgeLabelRenderer>
    </>
  );
});

function EdgeLabelText({ m }: { m: EdgeMetrics }) {
  return (
    <>
      <span className="rate" data-testid="edge-rate">
        {formatRate(m.rate)}
      </span>
      <span className="queue" title="queued / capacity">
        {formatCount(m.queued)}/{formatCount(m.capacity)}
      </span>
      {m.lag !== undefined && (
        <span className="lag" title="consumer lag: published, not yet read by this subscriber">
          lag {formatCount(m.lag)}
        </span>
      )}
    </>
  );
}
