import { useStore, useStoreApi } from '@xyflow/react';
import { useEffect, useRef } from 'react';
import { EdgeHoverCard } from '../live/EdgeHoverCard.js';
import { useEditor } from '../EditorContext.js';
import { useEditorStore } from '../store/useEditorStore.js';
import { LivePainter } from './LivePainter.js';
import { useLiveScene } from './LiveScene.js';
import { LABEL_HIT, labelScale } from './paintLive.js';

/**
 * The live layer over the flow: one canvas with every edge label and node counter of the run
 * (see LivePainter), above nodes and edges, below the minimap and controls. It takes no pointer
 * events: the labels' hover boxes and the nodes stay in the DOM underneath.
 */
export function LiveLayer() {
  const { store } = useEditor();
  const scene = useLiveScene();
  const flow = useStoreApi();
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const painter = new LivePainter(ref.current!, scene, store, flow);
    return () => painter.dispose();
  }, [scene, store, flow]);
  return <canvas ref={ref} className="live-layer" data-testid="live-layer" aria-hidden="true" />;
}

/** The hovered label's card, under the label in screen space (above the live layer). */
export function EdgeHoverOverlay() {
  const scene = useLiveScene();
  const hovered = useEditorStore((s) => s.hoveredEdge);
  const [x, y, zoom] = useStore((s) => s.transform);
  const label = hovered ? scene.labels.get(hovered) : undefined;
  if (!hovered || !label) return null;
  return (
    <div
      className="edge-card-overlay nodrag nopan nowheel"
      style={{ left: label.x * zoom + x, top: label.y * zoom + (LABEL_HIT.height / 2) * labelScale(zoom) + y + 6 }}
      onMouseEnter={() => scene.hoverKeep()}
      onMouseLeave={() => scene.hoverLeave()}
    >
      <EdgeHoverCard edgeId={hovered} />
    </div>
  );
}
