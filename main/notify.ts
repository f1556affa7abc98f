import { Notification } from 'electron';
import type { NotificationRequest } from './notificationRequest.js';

/** Show a desktop notification; returns false where the platform has none (the event is still in the run log). */
export function showNotification(request: NotificationRequest): boolean {
  if (!Notification.isSupported()) return false;
  // Plain text only: on Linux some servers render markup in the body.
  new Notification({ title: request.title ?? 'Sluice', body: request.body, silent: false }).show();
  return true;
}
