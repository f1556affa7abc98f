import type { Session } from 'electron';

/**
 * Permissions the page may have. Everything else (camera, microphone, geolocation,
 * notifications from the page, HID, serial, USB, fullscreen requests, opening external
 * protocols …) is denied: desktop notifications come from main, not from the page.
 * Writing to the clipboard is the one thing the editor needs (Copy of a node or an event).
 */
export const ALLOWED_PERMISSIONS: readonly string[] = ['clipboard-sanitized-write'];

/** Whether to grant `permission` to a page at `requestingUrl`. Pure; unknown requesters are always denied. */
export function decidePermission(permission: string, requestingUrl: string | undefined, appUrl: string): boolean {
  if (!requestingUrl) return false;
  let origin: URL;
  let app: URL;
  try {
    origin = new URL(requestingUrl);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (origin.protocol !== app.protocol || origin.host !== app.host) return false;
  return ALLOWED_PERMISSIONS.includes(permission);
}

/** Deny by default, on requests and on checks, for the whole session. */
export function applyPermissionPolicy(session: Session, appUrl: string): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(decidePermission(permission, details.requestingUrl ?? contents.getURL(), appUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    decidePermission(permission, requestingOrigin, appUrl),
  );
  session.setDevicePermissionHandler(() => false);
}
