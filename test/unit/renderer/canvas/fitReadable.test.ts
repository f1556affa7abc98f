import { describe, expect, it } from 'vitest';
import { READABLE_ZOOM, readableViewport } from '../../../../renderer/canvas/fitReadable.js';

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
