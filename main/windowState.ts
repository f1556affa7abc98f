/** A rectangle in screen coordinates (Electron's `Rectangle`). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What is remembered about the window between launches (userData/window-state.json). */
export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 800 } as const;
/** Smallest window worth restoring; matches windowOptions' minimum. */
const MIN = { width: 800, height: 500 } as const;
/** How much of the title bar must be on a display for the user to be able to grab it. */
const GRAB = { width: 100, height: 40 } as const;

const isRect = (v: unknown): v is Rect =>
  typeof v === 'object' &&
  v !== null &&
  ['x', 'y', 'width', 'height'].every(
    (k) => typeof (v as Record<string, unknown>)[k] === 'number' && Number.isFinite((v as Record<string, number>)[k]),
  );

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

function centred(area: Rect, width: number, height: number): Rect {
  const w = Math.min(width, area.width);
  const h = Math.min(height, area.height);
  return {
    x: Math.round(area.x + (area.width - w) / 2),
    y: Math.round(area.y + (area.height - h) / 2),
    width: w,
    height: h,
  };
}

/**
 * The window state to open with, from what was saved (anything: the file may be missing,
 * corrupt or from another machine) and the displays' work areas now (primary first).
 *
 * 1. Unreadable or absent: default size, centred on the primary display.
 * 2. Size is clamped between the minimum and the work area of the display it is on.
 * 3. If the title bar would not be grabbable on any display (a monitor was unplugged), the
 *    window is centred on the primary display instead. Pure.
 */
export function loadWindowState(saved: unknown, workAreas: readonly Rect[]): WindowState {
  const primary = workAreas[0] ?? { x: 0, y: 0, ...DEFAULT_SIZE };
  const fallback: WindowState = { bounds: centred(primary, DEFAULT_SIZE.width, DEFAULT_SIZE.height), maximized: false };
  if (typeof saved !== 'object' || saved === null || !isRect((saved as { bounds?: unknown }).bounds)) return fallback;
  const { bounds } = saved as { bounds: Rect };
  const maximized = (saved as { maximized?: unknown }).maximized === true;
  const titleBar: Rect = { x: bounds.x, y: bounds.y, width: bounds.width, height: GRAB.height };
  const display = workAreas.find((area) => {
    const o = overlap(titleBar, area);
    return o.width >= GRAB.width && o.height >= GRAB.height && bounds.y >= area.y;
  });
  if (!display)
    return {
      bounds: centred(primary, Math.max(bounds.width, MIN.width), Math.max(bounds.height, MIN.height)),
      maximized,
    };
  const width = Math.min(Math.max(bounds.width, MIN.width), display.width);
  const height = Math.min(Math.max(bounds.height, MIN.height), display.height);
  // Keep the clamped window inside the display it was on.
  const x = Math.min(Math.max(bounds.x, display.x), display.x + display.width - width);
  const y = Math.min(Math.max(bounds.y, display.y), display.y + display.height - height);
  return { bounds: { x, y, width, height }, maximized };
}

/**
 * What to save. `normalBounds` are the bounds when not maximized (Electron's
 * `getNormalBounds`), so un-maximizing after a restart returns to the user's size. Pure.
 */
export function saveWindowState(normalBounds: Rect, maximized: boolean): WindowState {
  return {
    bounds: {
      x: Math.round(normalBounds.x),
      y: Math.round(normalBounds.y),
      width: Math.round(normalBounds.width),
      height: Math.round(normalBounds.height),
    },
    maximized,
  };
}
