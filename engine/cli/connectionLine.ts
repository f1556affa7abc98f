import type { ConnectorStatus, MetricsSnapshot } from '../contract/index.js';

/** "reconnecting (3)": a connection's state as the node badge and the CLI say it. */
export function connectionBadge(s: ConnectorStatus): string {
  return s.state === 'reconnecting' || (s.state === 'connecting' && s.attempts > 1)
    ? `${s.state} (${s.attempts})`
    : s.state;
}

/**
 * Lines for the terminal when a connector's state changes between two frames: lost
 * ("node in: reconnecting (1): NATS at nats://…: connection refused"), back ("node in:
 * connected"). One line per change, not per attempt: a long outage is not a flood.
 */
export function connectionChanges(prev: MetricsSnapshot | null, next: MetricsSnapshot): string[] {
  const lines: string[] = [];
  for (const [id, n] of Object.entries(next.nodes)) {
    const now = n.connection;
    if (!now) continue;
    const before = prev?.nodes[id]?.connection;
    // Lost, and back after a loss; starting up and failing for good are said elsewhere.
    const lost = now.state === 'reconnecting' && before?.state !== 'reconnecting';
    const back = now.state === 'connected' && before?.state === 'reconnecting';
    if (!lost && !back) continue;
    lines.push(`node ${id}: ${connectionBadge(now)}${now.error && now.state !== 'connected' ? `: ${now.error}` : ''}`);
  }
  return lines;
}
