import type { WebContents } from 'electron';

/**
 * The page may only ever show the app itself: every navigation to another URL is refused
 * (checklist item 13), no window may be opened (item 14), and no `<webview>` attached (items
 * 11, 12). Links to https pages (Help › Docs) open in the user's browser instead (item 15:
 * only https, never `file:` or custom schemes, which could launch programs).
 */

/** True only for a reload of the app page itself. Pure. */
export function isAllowedNavigation(url: string, appUrl: string): boolean {
  try {
    const to = new URL(url);
    const app = new URL(appUrl);
    return to.protocol === app.protocol && to.host === app.host && to.pathname === app.pathname;
  } catch {
    return false;
  }
}

/** Whether a URL may be handed to `shell.openExternal`: https only, with a host, no credentials. Pure. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.hostname !== '' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** What to do with `window.open` or a `target=_blank` link: never a new window; maybe the browser. Pure. */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally: boolean } {
  return { action: 'deny', openExternally: isSafeExternalUrl(url) };
}

/** Wire the guards onto a window's contents. */
export function guardNavigation(contents: WebContents, appUrl: string, openExternal: (url: string) => void): void {
  const refuse = (event: { preventDefault(): void }, url: string): void => {
    if (!isAllowedNavigation(url, appUrl)) event.preventDefault();
  };
  contents.on('will-navigate', (event) => refuse(event, event.url));
  contents.on('will-frame-navigate', (event) => refuse(event, event.url));
  contents.on('will-redirect', (event) => refuse(event, event.url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    if (decision.openExternally) openExternal(url);
    return { action: decision.action };
  });
}
