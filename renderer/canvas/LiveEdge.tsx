import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, type EdgeProps } from '@xyflow/react';
import { memo, useLayoutEffect, useRef } from 'react';
import { pressureLevel, type PressureLevel } from '../live/findBottleneck.js';
import { strokeWidthFor } from '../live/format.js';
import { isFinal } from '../live/liveViews.js';
import type { EditorState } from '../store/editorState.js';
import { selectEdgeContract } from '../store/selectContracts.js';
import type { SluiceFlowEdge } from '../store/selectors.js';
import { useEditorStore } from '../store/useEditorStore.js';
import { useLiveScene } from './LiveScene.js';
import { LABEL_HIT } from './paintLive.js';
import { EdgeAlertBadge } from './AlertBadges.js';

/**
 * What an edge's stroke shows, as one string: a selector returning it re-renders the stroke only
 * when its look changed (pressure level, width step, flowing), which is rare.
 */
function strokeView(s: EditorState, id: string): string | null {
  const m = s.frame?.edges[id];
  if (!m) return null;
  // Once the run is over nothing flows and nothing presses, whatever its last frame measured.
  const final = isFinal(s.runStatus);
  const flowing = !final && m.rate > 0;
  const onBottleneck = s.bottleneck?.edgeIds.includes(id) ?? false;
  return `${final ? 'idle' : pressureLevel(m)}|${strokeWidthFor(m.rate).toFixed(1)}|${flowing ? 1 : ''}|${flowing && s.motion ? 1 : ''}|${onBottleneck ? 1 : ''}`;
}

/**
 * An edge of the canvas. While a run reports metrics its stroke is drawn from them: width from
 * the rate (log scale), colour from backpressure, a moving dash while events flow. Its label
 * (events/s, queued/capacity, topic lag) is painted by the live layer at the point this edge
 * registers; here it is only a hover box. The edge itself follows only geometry.
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
      <EdgeAlertBadge edgeId={id} x={labelX} y={labelY} />
      <EdgeStroke id={id} path={path} markerEnd={markerEnd} />
      <EdgeLabelHit id={id} x={labelX} y={labelY} />
      <EdgeContract id={id} x={labelX} y={labelY} />
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

/**
 * The label's place in the DOM: an empty box the size of a label, for hover and for reading
 * (its aria-label and data attributes are kept current by the live layer, which draws the
 * label itself). It renders once per geometry change, never per metrics frame.
 */
const EdgeLabelHit = memo(function EdgeLabelHit({ id, x, y }: { id: string; x: number; y: number }) {
  const scene = useLiveScene();
  const live = useEditorStore((s) => s.frame?.edges[id] !== undefined);
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!live || !el) return;
    scene.setLabel(id, { x, y, el });
    return () => scene.removeLabel(id, el);
  }, [scene, id, x, y, live]);
  if (!live) return null;
  return (
    <EdgeLabelRenderer>
      <div
        ref={ref}
        role="img"
        className="edge-label"
        style={{
          // left/top, not a transform: 200 boxes would be 200 transform nodes for the compositor.
          // The size follows --sl-label-k (set by the live layer): the label keeps its size on
          // screen while the flow zooms out, and so does its box.
          left: x,
          top: y,
          width: `calc(${LABEL_HIT.width}px * var(--sl-label-k, 1))`,
          height: `calc(${LABEL_HIT.height}px * var(--sl-label-k, 1))`,
          marginLeft: `calc(${-LABEL_HIT.width / 2}px * var(--sl-label-k, 1))`,
          marginTop: `calc(${-LABEL_HIT.height / 2}px * var(--sl-label-k, 1))`,
        }}
        data-testid={`edge-label-${id}`}
        onMouseEnter={() => scene.hoverEnter(id)}
        onMouseLeave={() => scene.hoverLeave()}
      />
    </EdgeLabelRenderer>
  );
});

/**
 * The contract an edge carries (its own, or the one its producer emits: SPEC §11), as a pill
 * under the edge's midpoint; hovering it shows the schema. Nothing for an edge without one.
 */
const EdgeContract = memo(function EdgeContract({ id, x, y }: { id: string; x: number; y: number }) {
  const contract = useEditorStore((s) => selectEdgeContract(s, id));
  if (contract === null) return null;
  return (
    <EdgeLabelRenderer>
      <div
        className={`edge-contract${contract.declared ? ' declared' : ''}${contract.schema ? '' : ' unknown'}`}
        style={{ left: x, top: y + LABEL_HIT.height / 2 + 4 }}
        data-testid={`edge-contract-${id}`}
        title={contract.schema ?? `${contract.ref}: not in the graph's schemas/ folder`}
      >
        {contract.ref}
      </div>
    </EdgeLabelRenderer>
  );
});
