/** A desktop notification asked for by a graph (a `sink.notify` node). */
export interface NotificationRequest {
  title?: string;
  body: string;
}

/** Longer text is cut: notification centres truncate anyway, and a graph could send megabytes. */
const MAX_BODY = 500;
const MAX_TITLE = 100;

/**
 * The notification to show for an engine event, or null: `sink.notify` nodes emit
 * `{ type: 'notificationRequested', runId, nodeId, title, body }`. Checked by shape, because the
 * event crosses a process boundary. Pure.
 */
export function notificationFromEvent(event: unknown): NotificationRequest | null {
  if (typeof event !== 'object' || event === null) return null;
  const e = event as Record<string, unknown>;
  if (e.type !== 'notificationRequested' || typeof e.body !== 'string') return null;
  return {
    title: (typeof e.title === 'string' && e.title !== '' ? e.title : 'Sluice').slice(0, MAX_TITLE),
    body: e.body.slice(0, MAX_BODY),
  };
}
