import type { RunEvent } from '../contract/index.js';
import { redactSecrets } from '../connectors/redactSecrets.js';

/**
 * A run event as it may leave the engine when `secrets` (the desktop keychain's, by name) were
 * resolved into the run: its sentences (log lines, reasons, alert messages, a connector's last
 * error in a metrics frame) with each secret value replaced by its `${keychain:NAME}`. A
 * client library may repeat a password it was given; the renderer and logs must never see it.
 * Events that carry no such text, or no secrets, come back as they are (the same object).
 */
export function redactRunEvent(event: RunEvent, secrets: Readonly<Record<string, string>>): RunEvent {
  if (Object.keys(secrets).length === 0) return event;
  const r = (text: string): string => redactSecrets(text, secrets);
  switch (event.type) {
    case 'logged':
    case 'alertFired':
      return { ...event, message: r(event.message) };
    case 'runStatusChanged':
    case 'runEnded':
      return event.reason === undefined ? event : { ...event, reason: r(event.reason) };
    case 'metricsPublished': {
      let nodes = event.snapshot.nodes;
      for (const [id, m] of Object.entries(nodes)) {
        const error = m.connection?.error;
        if (error === undefined || !m.connection) continue;
        const clean = r(error);
        if (clean === error) continue;
        if (nodes === event.snapshot.nodes) nodes = { ...nodes };
        nodes[id] = { ...m, connection: { ...m.connection, error: clean } };
      }
      return nodes === event.snapshot.nodes ? event : { ...event, snapshot: { ...event.snapshot, nodes } };
    }
    default:
      return event;
  }
}
