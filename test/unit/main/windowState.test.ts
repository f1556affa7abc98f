import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZE, loadWindowState, saveWindowState } from '../../../main/windowState.js';

const PRIMARY = { x: 0, y: 0, width: 1920, height: 1040 };
const RIGHT = { x: 1920, y: 0, width: 1280, height: 1000 };

describe('loadWindowState', () => {
  it('centres the default size on the primary display when nothing usable was saved', () => {
    const expected = {
      bounds: { x: 320, y: 120, width: DEFAULT_SIZE.width, height: DEFAULT_SIZE.height },
      maximized: false,
    };
    expect(loadWindowState(undefined, [PRIMARY])).toEqual(expected);
    expect(loadWindowState({ bounds: { x: 'a' } }, [PRIMARY])).toEqual(expected);
    expect(loadWindowState({ bounds: { x: 0, y: 0, width: Infinity, height: 10 } }, [PRIMARY])).toEqual(expected);
  });

  it('restores a window that is visible, on whichever display it was', () => {
    expect(
      loadWindowState({ bounds: { x: 2000, y: 50, width: 1000, height: 700 }, maximized: true }, [PRIMARY, RIGHT]),
    ).toEqual({
      bounds: { x: 2000, y: 50, width: 1000, height: 700 },
      maximized: true,
    });
  });

  it('re-centres a window whose display was unplugged', () => {
    const s = loadWindowState({ bounds: { x: 2000, y: 50, width: 1000, height: 700 }, maximized: false }, [PRIMARY]);
    expect(s.bounds).toEqual({ x: 460, y: 170, width: 1000, height: 700 });
  });

  it('re-centres a window whose title bar is above the top of the screen', () => {
    const s = loadWindowState({ bounds: { x: 100, y: -300, width: 1000, height: 700 } }, [PRIMARY]);
    expect(s.bounds.y).toBeGreaterThanOrEqual(0);
  });

  it('clamps a window larger than its display, and grows one below the minimum size', () => {
    expect(loadWindowState({ bounds: { x: 10, y: 10, width: 5000, height: 3000 } }, [PRIMARY]).bounds).toEqual({
      x: 0,
      y: 0,
      width: 1920,
      height: 1040,
    });
    expect(loadWindowState({ bounds: { x: 10, y: 10, width: 200, height: 100 } }, [PRIMARY]).bounds).toEqual({
      x: 10,
      y: 10,
      width: 800,
      height: 500,
    });
  });

  it('pulls a window hanging off the right edge back onto the display', () => {
    expect(loadWindowState({ bounds: { x: 1700, y: 100, width: 1000, height: 700 } }, [PRIMARY]).bounds).toEqual({
      x: 920,
      y: 100,
      width: 1000,
      height: 700,
    });
  });
});

describe('saveWindowState', () => {
  it('rounds the normal bounds and keeps the maximized flag, and loads back the same', () => {
    const saved = saveWindowState({ x: 10.4, y: 20.6, width: 1000.2, height: 700 }, true);
    expect(saved).toEqual({ bounds: { x: 10, y: 21, width: 1000, height: 700 }, maximized: true });
    expect(loadWindowState(JSON.parse(JSON.stringify(saved)), [PRIMARY])).toEqual(saved);
  });
});
