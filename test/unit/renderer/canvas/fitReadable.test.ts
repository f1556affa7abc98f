import { describe, expect, it } from 'vitest';
import { clearOfMinimap, READABLE_ZOOM, readableViewport } from '../../../../renderer/canvas/fitReadable.js';

describe('readableViewport', () => {
  // A 1000 × 400 canvas; fitView centred the bounds at the zoom it could.
  const centred = (bounds: { x: number; y: number; width: number; height: number }, zoom: number) => ({
    x: (1000 - bounds.width * zoom) / 2 - bounds.x * zoom,
    y: (400 - bounds.height * zoom) / 2 - bounds.y * zoom,
    zoom,
  });

  it('keeps a fit that needed no clamp: the graph fits at the readable zoom', () => {
    const bounds = { x: 0, y: 0, width: 800, height: 300 };
    const fitted = centred(bounds, READABLE_ZOOM);
    expect(readableViewport(fitted, bounds)).toEqual(fitted);
  });

  it('shows a graph too wide for the readable zoom from its left edge (its sources), not its middle', () => {
    const bounds = { x: 100, y: 50, width: 3000, height: 200 };
    const fitted = centred(bounds, READABLE_ZOOM);
    const v = readableViewport(fitted, bounds);
    expect(v.zoom).toBe(READABLE_ZOOM);
    // The graph's left edge is 24 px inside the canvas; vertically it stays centred (it fits).
    expect(v.x + bounds.x * v.zoom).toBeCloseTo(24);
    expect(v.y).toBeCloseTo(fitted.y);
  });

  it('keeps node text of 11 px and counters of 10.5 px at 9 px or more on screen', () => {
    expect(11 * READABLE_ZOOM).toBeGreaterThanOrEqual(9);
    expect(10.5 * READABLE_ZOOM).toBeGreaterThanOrEqual(9);
  });
});

describe('clearOfMinimap', () => {
  // A 1000 × 600 canvas with the minimap (200 × 150, 15 px from the edges) in its bottom right.
  const minimap = { left: 785, top: 435 };
  const onScreen = (
    v: { x: number; y: number; zoom: number },
    b: { x: number; y: number; width: number; height: number },
  ) => ({
    left: v.x + b.x * v.zoom,
    top: v.y + b.y * v.zoom,
    bottom: v.y + (b.y + b.height) * v.zoom,
    right: v.x + (b.x + b.width) * v.zoom,
  });

  it('moves a wide graph shown from its left edge up above the minimap, centred in the height left', () => {
    const bounds = { x: 0, y: 0, width: 3000, height: 400 };
    const v = { x: 24, y: (600 - 400 * READABLE_ZOOM) / 2, zoom: READABLE_ZOOM };
    expect(onScreen(v, bounds).bottom).toBeGreaterThan(minimap.top);
    const moved = clearOfMinimap(v, bounds, minimap);
    const r = onScreen(moved, bounds);
    expect(moved.x).toBe(v.x);
    expect(moved.zoom).toBe(v.zoom);
    expect(r.bottom).toBeLessThanOrEqual(minimap.top);
    expect(r.top).toBeCloseTo(minimap.top - r.bottom);
  });

  it('keeps a graph that does not reach under the minimap, or that is too tall to fit above it', () => {
    const narrow = { x: 0, y: 0, width: 600, height: 500 };
    const v = { x: 100, y: 50, zoom: 1 };
    expect(clearOfMinimap(v, narrow, minimap)).toBe(v);
    const tall = { x: 0, y: 0, width: 3000, height: 420 };
    const w = { x: 24, y: 90, zoom: 1 };
    expect(clearOfMinimap(w, tall, minimap)).toBe(w);
    expect(clearOfMinimap(w, tall, null)).toBe(w);
  });
});
