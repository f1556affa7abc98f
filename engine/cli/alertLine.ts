import type { RunEvent } from '../contract/index.js';

type AlertEvent = Extract<RunEvent, { type: 'alertFired' | 'alertCleared' }>;

/**
 * The CLI's stderr line for an alert: "alert fired: edge e3 lag 1,204 > 1000 for 10 s". An alert
 * with an id of its own is named by it ("alert lag-high fired: …"); one named by its `when` is not,
 * since the message says the condition already.
 */
export function alertLine(e: AlertEvent): string {
  const verb = e.type === 'alertFired' ? 'fired' : 'cleared';
  return `alert ${e.alertId === e.when ? '' : `${e.alertId} `}${verb}: ${e.message}`;
}
