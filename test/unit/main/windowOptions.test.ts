import { describe, expect, it } from 'vitest';
import { windowOptions } from '../../../main/windowOptions.js';

describe('windowOptions', () => {
  it('uses the remembered bounds, hides until ready, and points at the preload', () => {
    const o = windowOptions({
      preloadPath: '/a/preload.cjs',
      bounds: { x: 10, y: 20, width: 1000, height: 700 },
      iconPath: '/a/icon.png',
    });
    expect(o).toMatchObject({ x: 10, y: 20, width: 1000, height: 700, show: false, icon: '/a/icon.png' });
    expect(o.webPreferences?.preload).toBe('/a/preload.cjs');
  });

  it('leaves the icon out when there is none', () => {
    expect('icon' in windowOptions({ preloadPath: '/p', bounds: { width: 900, height: 600 } })).toBe(false);
  });
});
