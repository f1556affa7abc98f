import { describe, expect, it } from 'vitest';
import { guardNavigation, isAllowedNavigation, windowOpenDecision } from '../../../main/navigationGuard.js';

const APP = 'app://sluice/index.html';

describe('navigation predicates', () => {
  it('allows only reloading the app page (with a hash or query)', () => {
    expect(isAllowedNavigation('app://sluice/index.html#/editor', APP)).toBe(true);
    expect(isAllowedNavigation('app://sluice/index.html?x=1', APP)).toBe(true);
    expect(isAllowedNavigation('app://evil/index.html', APP)).toBe(false);
    expect(isAllowedNavigation('', APP)).toBe(false);
  });

  it('never opens a window, and sends https links to the browser', () => {
    expect(windowOpenDecision('https://example.com/docs')).toEqual({ action: 'deny', openExternally: true });
    expect(windowOpenDecision('file:///etc/passwd')).toEqual({ action: 'deny', openExternally: false });
  });
});

describe('guardNavigation', () => {
  /** A stand-in for WebContents that records handlers, to drive them as Electron would. */
  function contents() {
    const handlers = new Map<string, (event: { url: string; preventDefault(): void }) => void>();
    let openHandler: ((d: { url: string }) => { action: string }) | undefined;
    const wc = {
      on: (name: string, h: (event: { url: string; preventDefault(): void }) => void) => void handlers.set(name, h),
      setWindowOpenHandler: (h: (d: { url: string }) => { action: string }) => void (openHandler = h),
    };
    const fire = (name: string, url: string): boolean => {
      let prevented = false;
      handlers.get(name)?.({ url, preventDefault: () => void (prevented = true) });
      return prevented;
    };
    return { wc, fire, open: (url: string) => openHandler?.({ url }), handlers };
  }

  it('prevents navigations and redirects away from the app, lets reloads through, and blocks webviews', () => {
    const c = contents();
    const opened: string[] = [];
    guardNavigation(c.wc as never, APP, (u) => opened.push(u));
    expect(c.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(c.fire('will-frame-navigate', 'https://evil.example/')).toBe(true);
    expect(c.fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(c.fire('will-navigate', APP)).toBe(false);
    expect(c.fire('will-attach-webview', APP)).toBe(true);
    expect(c.open('https://docs.example/')).toEqual({ action: 'deny' });
    expect(c.open('ms-msdt:/id')).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://docs.example/']);
  });
});
