import type { GraphFile } from '../contract/graphFile.js';
import type { Problem } from '../contract/problem.js';
import { isRecord } from './isRecord.js';
import { nodeName } from './nodeName.js';

/**
 * `${env:NAME}`: a value taken from the environment at run start (SPEC §10); `${env:NAME:-text}`
 * falls back to `text` when NAME is unset (as a shell does), for values that are not secrets.
 */
const ENV_REF = /\$\{env:([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A `url` that is a bare name refers to a connection. */
const CONNECTION_NAME = /^[A-Za-z0-9_.-]+$/;

/** The environment a run resolves `${env:…}` from; null: not known (the editor validates without). */
export type EnvLookup = Readonly<Record<string, string | undefined>> | null;

/** The graph's top-level `connections` (`{ "local": { "url": "nats://…" } }`), the well-formed ones. */
export function connectionsOf(graph: GraphFile): Record<string, Record<string, unknown>> {
  const c = graph.connections;
  if (!isRecord(c)) return {};
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, v] of Object.entries(c)) if (isRecord(v) && typeof v.url === 'string') out[name] = v;
  return out;
}

/** The config with `url` resolved from `connections` and every `${env:NAME}` filled in. */
export interface ResolvedConfig {
  config: Record<string, unknown>;
  /** Problems with field names (the caller adds the node). */
  problems: Array<{ field: string; message: string; severity: 'error' | 'warning' }>;
}

/**
 * Resolve one node's config for a run (SPEC §10):
 * 1. a `url` that names a connection becomes that connection's url; the connection's other
 *    fields (user, password, …) fill the node's fields it leaves unset;
 * 2. `${env:NAME}` in any string, nested ones included, becomes the variable's value; an unset
 *    variable is a problem naming the field (with `env` null it is kept as written).
 * Nothing is written back: the graph file keeps names and references, never secrets.
 */
export function resolveNodeConfig(
  config: Record<string, unknown>,
  connections: Record<string, Record<string, unknown>>,
  env: EnvLookup,
): ResolvedConfig {
  const problems: ResolvedConfig['problems'] = [];
  let merged = config;
  const url = config.url;
  if (typeof url === 'string' && !url.includes('://') && !url.includes('${') && CONNECTION_NAME.test(url)) {
    const conn = connections[url];
    if (conn) {
      merged = { ...conn, ...config, url: conn.url };
    } else {
      const names = Object.keys(connections);
      problems.push({
        field: 'url',
        severity: 'error',
        message: `“${url}” is neither a URL nor one of the graph’s connections${names.length ? ` (${names.join(', ')})` : ' (it has none)'}.`,
      });
    }
  }
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(merged)) out[field] = fill(value, field, env, problems);
  if (typeof out.url === 'string' && hasPassword(out.url) && !String(merged.url).includes('${env:')) {
    problems.push({
      field: 'url',
      severity: 'warning',
      message: 'The URL holds a password in the graph file; put it in an environment variable: ${env:NAME}.',
    });
  }
  return { config: out, problems };
}

function fill(value: unknown, field: string, env: EnvLookup, problems: ResolvedConfig['problems']): unknown {
  if (typeof value === 'string') {
    if (!value.includes('${env:')) return value;
    return value.replace(ENV_REF, (ref, inner: string) => {
      const dash = inner.indexOf(':-');
      const name = dash < 0 ? inner : inner.slice(0, dash);
      const fallback = dash < 0 ? undefined : inner.slice(dash + 2);
      if (!ENV_NAME.test(name)) {
        problems.push({ field, severity: 'error', message: `${ref} is not a valid variable name.` });
        return ref;
      }
      if (env === null) return ref;
      const v = env[name] ?? fallback;
      if (v === undefined) {
        problems.push({ field, severity: 'error', message: `${ref} is not set in the environment of this run.` });
        return ref;
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, field, env, problems));
  if (isRecord(value)) {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) o[k] = fill(v, field, env, problems);
    return o;
  }
  return value;
}

function hasPassword(url: string): boolean {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/@]*)@/i.exec(url);
  return m !== null && m[1]!.includes(':');
}

/**
 * The `connections` and `${env:…}` problems of a graph, for `validate`: malformed connections,
 * a `url` naming no connection, unset variables (when `env` is known), passwords in URLs.
 */
export function connectionProblems(graph: GraphFile, env: EnvLookup): Problem[] {
  const problems: Problem[] = [];
  const c = graph.connections;
  if (c !== undefined) {
    if (!isRecord(c)) {
      problems.push({
        severity: 'error',
        field: 'connections',
        message: 'The graph’s connections must be an object of named connections, each with a url.',
      });
    } else {
      for (const [name, v] of Object.entries(c)) {
        if (!isRecord(v) || typeof v.url !== 'string' || v.url === '') {
          problems.push({ severity: 'error', field: 'connections', message: `Connection “${name}” needs a url.` });
        }
      }
    }
  }
  const connections = connectionsOf(graph);
  for (const node of graph.nodes) {
    if (!isRecord(node) || !isRecord(node.config) || typeof node.id !== 'string') continue;
    // A broker-backed topic's url is `broker.url` (SPEC §15): a connection name there too.
    const broker = node.config.broker;
    if (node.type === 'topic' && isRecord(broker) && typeof broker.url === 'string') {
      for (const p of resolveNodeConfig({ url: broker.url }, connections, env).problems) {
        problems.push({
          severity: p.severity,
          nodeId: node.id,
          field: 'broker.url',
          message: `${nodeName(node.id, node.label)}: broker.url: ${p.message}`,
        });
      }
      continue;
    }
    if (typeof node.config.url !== 'string' && !JSON.stringify(node.config).includes('${env:')) continue;
    for (const p of resolveNodeConfig(node.config, connections, env).problems) {
      problems.push({
        severity: p.severity,
        nodeId: node.id,
        field: p.field,
        message: `${nodeName(node.id, node.label)}: ${p.field}: ${p.message}`,
      });
    }
  }
  return problems;
}
