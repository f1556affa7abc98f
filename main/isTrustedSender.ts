/**
 * Whether a frame may talk to main: only the app's own page, loaded from the app's own origin
 * (`appUrl`, e.g. `app://sluice/index.html`). A frame that navigated elsewhere, an iframe from
 * another origin, or a missing frame (it was destroyed) is refused. Pure.
 */
export function isTrustedSender(frameUrl: string | null | undefined, appUrl: string): boolean {
  if (!frameUrl) return false;
  let frame: URL;
  let app: URL;
  try {
    frame = new URL(frameUrl);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  // Custom and file schemes have an opaque "null" origin, so compare scheme and host explicitly.
  return (
    frame.protocol === app.protocol &&
    frame.host === app.host &&
    (app.protocol !== 'file:' || frame.pathname === app.pathname)
  );
}
