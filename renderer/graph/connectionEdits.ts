import type { ConnectorKind } from '../../engine/contract/connector.js';
import type { GraphFile, GraphNode } from '../../engine/contract/graphFile.js';

/** One named connection as the Connections panel lists it (SPEC §10: `connections.<name>.url`). */
export interface NamedConnection {
  name: string;
  url: string;
}

/** A connection name as `resolveNodeConfig` accepts it in a node's `url`. */
export const CONNECTION_NAME = /^[A-Za-z0-9_.-]+$/;

const KINDS: readonly ConnectorKind[] = ['nats', 'redis', 'rabbitmq', 'mqtt', 'postgres'];
const SCHEMES: Record<string, ConnectorKind> = {
  nats: 'nats',
  redis: 'redis',
  rediss: 'redis',
  amqp: 'rabbitmq',
  amqps: 'rabbitmq',
  mqtt: 'mqtt',
  mqtts: 'mqtt',
  postgres: 'postgres',
  postgresql: 'postgres',
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The graph's named connections, in file order (entries without a string url are skipped). */
export function listConnections(graph: GraphFile): NamedConnection[] {
  const c = graph.connections;
  if (!isRecord(c)) return [];
  return Object.entries(c).flatMap(([name, v]) =>
    isRecord(v) && typeof v.url === 'string' ? [{ name, url: v.url }] : [],
  );
}

/** Add or change a connection's url; other fields of an existing entry are kept. */
export function setConnection(graph: GraphFile, name: string, url: string): GraphFile {
  const c = isRecord(graph.connections) ? graph.connections : {};
  const old = isRecord(c[name]) ? c[name] : {};
  return { ...graph, connections: { ...c, [name]: { ...old, url } } };
}

/** Rename a connection, keeping its place, and point the nodes that named it at the new name. */
export function renameConnection(graph: GraphFile, from: string, to: string): GraphFile {
  const c = isRecord(graph.connections) ? graph.connections : {};
  if (!(from in c) || from === to || to in c) return graph;
  const connections = Object.fromEntries(Object.entries(c).map(([k, v]) => [k === from ? to : k, v]));
  const nodes = graph.nodes.map((n) => (n.config?.url === from ? { ...n, config: { ...n.config, url: to } } : n));
  return { ...graph, connections, nodes };
}

/** Remove a connection (nodes that name it then show a validation problem). */
export function removeConnection(graph: GraphFile, name: string): GraphFile {
  const c = isRecord(graph.connections) ? { ...graph.connections } : {};
  delete c[name];
  const next: GraphFile = { ...graph, connections: c };
  if (Object.keys(c).length === 0) delete next.connections;
  return next;
}

/** A new name not taken yet: `conn1`, `conn2`, … */
export function freshConnectionName(graph: GraphFile): string {
  const taken = new Set(listConnections(graph).map((c) => c.name));
  for (let i = 1; ; i++) if (!taken.has(`conn${i}`)) return `conn${i}`;
}

/**
 * The warning for a URL that holds a plain-text password (secrets belong in `${env:NAME}`, or
 * the desktop app's keychain), or null: `nats://u:${env:NATS_PW}@host`,
 * `nats://u:${keychain:NATS_PW}@host`, `postgres://${env:PGUSER:-postgres}@host` and
 * `${env:NATS_URL}` are fine.
 */
export function plainPasswordWarning(url: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/@]*)@/i.exec(url);
  if (!m) return null;
  // Variables are not plain text, and their own colons (`${env:PGUSER:-postgres}`) part nothing.
  const userInfo = m[1]!.replace(/\$\{(?:env|keychain):[^}]*\}/g, '');
  const colon = userInfo.indexOf(':');
  if (colon < 0) return null;
  const password = userInfo.slice(colon + 1);
  if (password === '') return null;
  return 'This URL holds a password in plain text, and it would be saved in the graph file. Put it in an environment variable: ${env:NAME} (or, in the desktop app, Save in keychain).';
}

/** The platform of a connector node (`source.nats` → nats), or null for other nodes. */
export function connectorKindOfNode(node: GraphNode): ConnectorKind | null {
  const m = /^(?:source|sink)\.([a-z]+)$/.exec(node.type);
  const kind = m?.[1] as ConnectorKind | undefined;
  return kind && KINDS.includes(kind) ? kind : null;
}

/** The platform a URL's scheme names (`redis://…` → redis), or null (`${env:URL}`, unknown). */
export function connectorKindOfUrl(url: string): ConnectorKind | null {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  return m ? (SCHEMES[m[1]!.toLowerCase()] ?? null) : null;
}

/** A node's `url` with a connection name replaced by that connection's url. */
export function effectiveUrl(graph: GraphFile, url: string): string {
  if (url.includes('://') || url.includes('${') || !CONNECTION_NAME.test(url)) return url;
  return listConnections(graph).find((c) => c.name === url)?.url ?? url;
}
