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

/** Fit the graph into view, never below the readable zoom (see READABLE_ZOOM). */
export async function fitReadable(flow: ReactFlowInstance<SluiceFlowNode, SluiceFlowEdge> | null): Promise<void> {
  if (!flow) return;
  await flow.fitView({ padding: 0.15, duration: 0, maxZoom: 1.2, minZoom: READABLE_ZOOM });
  // A stand-in canvas (unit tests) has no viewport to read.
  if (typeof flow.getViewport !== 'function') return;
  const fitted = flow.getViewport();
  if (fitted.zoom > READABLE_ZOOM + 1e-6) return;
  await flow.setViewport(readableViewport(fitted, flow.getNodesBounds(flow.getNodes())));
}
