import type { GraphFile } from '../contract/graphFile.js';
import { KEYCHAIN_NAME } from '../contract/keychain.js';
import type { Problem } from '../contract/problem.js';
import { isRecord } from './isRecord.js';
import { nodeName } from './nodeName.js';

/**
 * `${env:NAME}`: a value taken from the environment at run start (SPEC §10); `${env:NAME:-text}`
 * falls back to `text` when NAME is unset (as a shell does), for values that are not secrets.
 */
const ENV_REF = /\$\{env:([^}]*)\}/g;
/**
 * `${keychain:NAME}`: a secret the desktop app keeps in the OS keychain (main/SecretStore),
 * handed to the engine process by main; other hosts have no keychain.
 */
const KEYCHAIN_REF = /\$\{keychain:([^}]*)\}/g;
/** Either reference, for a quick "does this hold any?" test. */
const ANY_REF = /\$\{(?:env|keychain):/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** What a host without a keychain says of a `${keychain:…}` (the CLI, the web host). */
export const NO_KEYCHAIN_HERE = 'keychain secrets are available in the desktop app; use ${env:NAME} here';
/** A `url` that is a bare name refers to a connection. */
const CONNECTION_NAME = /^[A-Za-z0-9_.-]+$/;

/** The environment a run resolves `${env:…}` from; null: not known (the editor validates without). */
export type EnvLookup = Readonly<Record<string, string | undefined>> | null;

/**
 * The keychain a run resolves `${keychain:…}` from:
 * - its secrets by name (the desktop app's engine process, as main handed them over);
 * - `'absent'`: this host has none (the CLI, the web host): a reference is a problem;
 * - null: not known here (the desktop editor validating in the page): checked for form only.
 */
export type KeychainLookup = Readonly<Record<string, string>> | 'absent' | null;

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
  /** The keychain secrets filled in, by name (so messages can be redacted of them). */
  secrets: Record<string, string>;
  /** Problems with field names (the caller adds the node). */
  problems: Array<{ field: string; message: string; severity: 'error' | 'warning' }>;
}

/**
 * Resolve one node's config for a run (SPEC §10):
 * 1. a `url` that names a connection becomes that connection's url; the connection's other
 *    fields (user, password, …) fill the node's fields it leaves unset;
 * 2. `${env:NAME}` in any string, nested ones included, becomes the variable's value; an unset
 *    variable is a problem naming the field (with `env` null it is kept as written);
 * 3. `${keychain:NAME}` likewise becomes the keychain's secret, percent-encoded where it sits
 *    in a URL's user info (the Connections panel stores the password as typed). Without
 *    `keychain`, a host that knows its environment has no keychain (the CLI, the web host):
 *    a reference is an error saying so; with `env` null too (the editor), it is kept as written.
 * Nothing is written back: the graph file keeps names and references, never secrets.
 */
export function resolveNodeConfig(
  config: Record<string, unknown>,
  connections: Record<string, Record<string, unknown>>,
  env: EnvLookup,
  keychain: KeychainLookup = env === null ? null : 'absent',
): ResolvedConfig {
  const problems: ResolvedConfig['problems'] = [];
  const secrets: Record<string, string> = {};
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
  const sources: Sources = { env, keychain, problems, secrets };
  for (const [field, value] of Object.entries(merged)) out[field] = fill(value, field, sources);
  if (typeof out.url === 'string' && hasPassword(out.url) && !ANY_REF.test(String(merged.url))) {
    problems.push({
      field: 'url',
      severity: 'warning',
      message:
        'The URL holds a password in the graph file; put it in an environment variable (${env:NAME}) or, in the desktop app, the keychain (${keychain:NAME}).',
    });
  }
  return { config: out, problems, secrets };
}

interface Sources {
  env: EnvLookup;
  keychain: KeychainLookup;
  problems: ResolvedConfig['problems'];
  secrets: Record<string, string>;
}

function fill(value: unknown, field: string, sources: Sources): unknown {
  if (typeof value === 'string') {
    if (!ANY_REF.test(value)) return value;
    const withEnv = value.includes('${env:') ? fillEnv(value, field, sources) : value;
    return withEnv.includes('${keychain:') ? fillKeychain(withEnv, field, sources) : withEnv;
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, field, sources));
  if (isRecord(value)) {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) o[k] = fill(v, field, sources);
    return o;
  }
  return value;
}

function fillEnv(value: string, field: string, { env, problems }: Sources): string {
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

/** The user info of `scheme://userinfo@…`: where a password is percent-encoded. */
const USER_INFO = /^[a-z][a-z0-9+.-]*:\/\/([^/@]*)@/i;

function fillKeychain(value: string, field: string, { keychain, problems, secrets }: Sources): string {
  const userInfoEnd = USER_INFO.exec(value)?.[0].length ?? 0;
  return value.replace(KEYCHAIN_REF, (ref, name: string, at: number) => {
    if (!KEYCHAIN_NAME.test(name)) {
      problems.push({ field, severity: 'error', message: `${ref} is not a valid keychain name.` });
      return ref;
    }
    if (keychain === null) return ref;
    if (keychain === 'absent') {
      problems.push({ field, severity: 'error', message: `${ref}: ${NO_KEYCHAIN_HERE}.` });
      return ref;
    }
    const v = Object.hasOwn(keychain, name) ? keychain[name] : undefined;
    if (v === undefined) {
      problems.push({
        field,
        severity: 'error',
        message: `${ref} is not in this computer's keychain; save it with “Save in keychain” in the Connections panel.`,
      });
      return ref;
    }
    secrets[name] = v;
    return at < userInfoEnd ? encodeURIComponent(v) : v;
  });
}

function hasPassword(url: string): boolean {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/@]*)@/i.exec(url);
  return m !== null && m[1]!.includes(':');
}

/**
 * The `connections` and `${env:…}` problems of a graph, for `validate`: malformed connections,
 * a `url` naming no connection, unset variables (when `env` is known), passwords in URLs.
 */
export function connectionProblems(
  graph: GraphFile,
  env: EnvLookup,
  keychain: KeychainLookup = env === null ? null : 'absent',
): Problem[] {
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
      for (const p of resolveNodeConfig({ url: broker.url }, connections, env, keychain).problems) {
        problems.push({
          severity: p.severity,
          nodeId: node.id,
          field: 'broker.url',
          message: `${nodeName(node.id, node.label)}: broker.url: ${p.message}`,
        });
      }
      continue;
    }
    if (typeof node.config.url !== 'string' && !ANY_REF.test(JSON.stringify(node.config))) continue;
    for (const p of resolveNodeConfig(node.config, connections, env, keychain).problems) {
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
