import type { ReactFlowInstance, Rect, Viewport } from '@xyflow/react';
import type { SluiceFlowEdge, SluiceFlowNode } from '../store/selectors.js';

/**
 * The lowest zoom a fit view picks: the smallest text of a node (11 px: its type and port
 * names) and the counters the live layer paints inside it (10.5 px) stay at least 9 px on
 * screen. Below it a graph is shown from its start (top left) at this zoom instead, and the
 * rest is a pan away: figures nobody can read are not a view of the graph.
 */
export const READABLE_ZOOM = 0.86;

/** Space left between the graph and the canvas edge when it does not fit, in screen px. */
const MARGIN = 24;

/**
 * The viewport for a fit view that stopped at the readable zoom. `fitted` is what React Flow's
 * fitView chose with `minZoom: READABLE_ZOOM` (the graph centred); where the graph is wider (or
 * taller) than the canvas at that zoom, it is moved so its left (top) edge shows instead of its
 * middle: a graph reads from its sources.
 */
export function readableViewport(fitted: Viewport, bounds: Rect): Viewport {
  const { zoom } = fitted;
  // fitView centres the bounds, so the canvas size follows from where it put them.
  const width = 2 * (fitted.x + bounds.x * zoom) + bounds.width * zoom;
  const height = 2 * (fitted.y + bounds.y * zoom) + bounds.height * zoom;
  const x = bounds.width * zoom > width - 2 * MARGIN ? MARGIN - bounds.x * zoom : fitted.x;
  const y = bounds.height * zoom > height - 2 * MARGIN ? MARGIN - bounds.y * zoom : fitted.y;
  return { x, y, zoom };
}

/**
 * The viewport moved up so the graph clears the minimap (its top-left corner `minimap`, in
 * canvas px; the minimap sits in the bottom-right corner), centred in the height above it, when
 * the graph on screen reaches across the minimap's column and fits in that height. A fit at the readable zoom shows a wide graph from
 * its left edge, so its right part ran under the minimap, live figures and all (most templates
 * at 1280×800). Otherwise the viewport is kept.
 */
export function clearOfMinimap(v: Viewport, bounds: Rect, minimap: { left: number; top: number } | null): Viewport {
  if (minimap === null) return v;
  const left = v.x + bounds.x * v.zoom;
  const width = bounds.width * v.zoom;
  const height = bounds.height * v.zoom;
  // Reaching across the minimap's column is enough: a run adds its counters to every node,
  // which grow down into it.
  if (left + width <= minimap.left || height + 2 * MARGIN > minimap.top) return v;
  return { ...v, y: (minimap.top - height) / 2 - bounds.y * v.zoom };
}

/** Where the minimap's top-left corner is in the canvas, and the canvas width, if it is shown. */
function minimapCorner(): { left: number; top: number; canvasWidth: number } | null {
  const map = document.querySelector('.react-flow__minimap');
  const pane = map?.closest('.react-flow');
  if (!map || !pane) return null;
  const m = map.getBoundingClientRect();
  const p = pane.getBoundingClientRect();
  return { left: m.left - p.left, top: m.top - p.top, canvasWidth: p.width };
}

/** The bounds of the nodes that show (in part) across the canvas's width at viewport `v`. */
function shownBounds(
  flow: ReactFlowInstance<SluiceFlowNode, SluiceFlowEdge>,
  v: Viewport,
  canvasWidth: number,
): Rect | null {
  const shown = flow.getNodes().filter((n) => {
    const x = flow.getInternalNode(n.id)?.internals.positionAbsolute.x ?? n.position.x;
    const left = v.x + x * v.zoom;
    const right = left + (n.measured?.width ?? 0) * v.zoom;
    return right > 0 && left < canvasWidth;
  });
  return shown.length > 0 ? flow.getNodesBounds(shown) : null;
}

/** Fit the graph into view, never below the readable zoom (see READABLE_ZOOM), clear of the minimap. */
export async function fitReadable(flow: ReactFlowInstance<SluiceFlowNode, SluiceFlowEdge> | null): Promise<void> {
  if (!flow) return;
  await flow.fitView({ padding: 0.15, duration: 0, maxZoom: 1.2, minZoom: READABLE_ZOOM });
  // A stand-in canvas (unit tests) has no viewport to read.
  if (typeof flow.getViewport !== 'function') return;
  const fitted = flow.getViewport();
  const bounds = flow.getNodesBounds(flow.getNodes());
  const readable = fitted.zoom > READABLE_ZOOM + 1e-6 ? fitted : readableViewport(fitted, bounds);
  // Only the nodes that show count: a graph wider than the canvas is seen from its left edge.
  const minimap = minimapCorner();
  const shown = minimap ? shownBounds(flow, readable, minimap.canvasWidth) : null;
  const clear = shown ? clearOfMinimap(readable, shown, minimap) : readable;
  if (clear !== fitted) await flow.setViewport(clear);
}
