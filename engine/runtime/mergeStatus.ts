import type { ConnectionState, ConnectorStatus } from '../contract/connector.js';

/** Worst first: a node's instances show as the worst of them (one failed: the node failed). */
const RANK: Record<ConnectionState, number> = { failed: 4, reconnecting: 3, connecting: 2, connected: 1, closed: 0 };

/**
 * One status for several connections of a node (its instances, its workers): the worst state
 * with its attempts and error, and the lag summed (null only if none reports one).
 */
export function mergeStatus(a: ConnectorStatus | null, b: ConnectorStatus): ConnectorStatus {
  if (a === null) return { ...b };
  const worst = RANK[b.state] > RANK[a.state] ? b : a;
  const lag = a.lag === null && b.lag === null ? null : (a.lag ?? 0) + (b.lag ?? 0);
  return {
    state: worst.state,
    attempts: Math.max(a.state === worst.state ? a.attempts : 0, b.state === worst.state ? b.attempts : 0),
    ...(worst.error ? { error: worst.error } : {}),
    lag,
  };
}
