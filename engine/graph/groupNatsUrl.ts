import type { GraphFile } from '../contract/graphFile.js';
import { connectionsOf } from './resolveConnections.js';
import { isRecord } from './isRecord.js';

/** A group's name (SPEC §15): it becomes part of JetStream bucket names. */
export const GROUP_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** A URL NATS clients accept (the schemes nats.js knows). */
const NATS_SCHEME = /^(nats|tls|ws|wss):\/\//i;

/**
 * The NATS a group run of this graph uses when none is named (SPEC §15): the first of the
 * graph's `connections` whose URL is a NATS one (by name, so its credentials stay in the
 * connection), else the URL of its first NATS node or broker-backed topic, else null (the
 * engine then takes `$NATS_URL`, else the local server). The editor prefills it in "Run as group
 * member…"; the engine resolves it the same way.
 */
export function groupNatsUrl(graph: GraphFile): string | null {
  for (const [name, c] of Object.entries(connectionsOf(graph)))
    if (typeof c.url === 'string' && NATS_SCHEME.test(c.url)) return name;
  for (const n of graph.nodes) {
    const config = isRecord(n.config) ? n.config : {};
    const broker = isRecord(config.broker) ? config.broker : null;
    if (broker && typeof broker.url === 'string' && broker.url !== '') return broker.url;
    if (n.type.endsWith('.nats') && typeof config.url === 'string' && config.url !== '') return config.url;
  }
  return null;
}
