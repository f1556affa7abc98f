import type { ConnectorStatus } from '../../engine/contract/connector.js';

/** How a connector node's badge looks: its words and its tone (CSS class suffix). */
export interface ConnectionBadgeView {
  text: string;
  tone: 'ok' | 'warn' | 'error' | 'muted';
  /** The full last error, for the tooltip; "" when none. */
  detail: string;
}

/**
 * A connector node's connection state from the frame (SPEC §10): "connected",
 * "reconnecting (3)", "failed: <one line>", "connecting", "closed".
 */
export function connectionBadgeView(s: ConnectorStatus): ConnectionBadgeView {
  const detail = s.error ?? '';
  switch (s.state) {
    case 'connected':
      return { text: 'connected', tone: 'ok', detail };
    case 'reconnecting':
      return { text: `reconnecting (${s.attempts})`, tone: 'warn', detail };
    case 'failed':
      return { text: `failed: ${firstLine(detail) || 'connection failed'}`, tone: 'error', detail };
    case 'connecting':
      return { text: s.attempts > 1 ? `connecting (${s.attempts})` : 'connecting', tone: 'muted', detail };
    case 'closed':
      return { text: 'closed', tone: 'muted', detail };
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
