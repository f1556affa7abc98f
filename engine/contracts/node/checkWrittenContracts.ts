import path from 'node:path';
import type { EventSchema } from '../../contract/eventSchema.js';
import { CONTRACT_KEY, parseContractRef } from '../../contract/eventSchema.js';
import type { GraphFile, GraphNode } from '../../contract/graphFile.js';
import type { Problem } from '../../contract/problem.js';
import {
  connectionsOf,
  resolveNodeConfig,
  type EnvLookup,
  type KeychainLookup,
} from '../../graph/resolveConnections.js';
import { isRecord } from '../../graph/isRecord.js';
import { nodeName } from '../../graph/nodeName.js';
import { defaultStatePath } from '../../store/defaultStatePath.js';
import { readBreaks } from '../common/checkCompatibility.js';
import { describeDifference } from '../common/describeDifference.js';
import { findSchema } from '../common/findSchema.js';
import { CONTRACT_HEADER, CONTRACTS_TABLE, type WrittenContract } from '../common/writtenContract.js';
import { natsOptions } from '../../connectors/nats.js';
import { readFileContracts, readTableContracts } from './writtenContracts.js';

/** How long one target may take to answer before it is reported as not checked. */
export const TARGET_CHECK_TIMEOUT_MS = 2000;

export interface WrittenCheckOptions {
  /** The graph file (relative sink paths and the state database are beside it). */
  graphPath: string;
  /** Its `schemas/` folder, loaded. */
  schemas: readonly EventSchema[];
  /** Where `${env:…}` in broker URLs come from. */
  env: EnvLookup;
  /** Where `${keychain:…}` come from (the desktop app); none by default. */
  keychain?: KeychainLookup;
  /** Per target; `TARGET_CHECK_TIMEOUT_MS` by default. */
  timeoutMs?: number;
}

/** A sink's target and how to read what it holds. */
interface Target {
  /** `table orders of out/orders.db`, `file out/log.jsonl`, `subject orders.* on nats://…`. */
  what: string;
  read(timeoutMs: number): Promise<WrittenContract[]>;
}

/**
 * The design-time check of "a sink whose table or subject was written with an incompatible older
 * version" (SPEC §11). For each sink with a `contract` (SQLite, file, PostgreSQL, NATS):
 * 1. read which contract versions its target holds events of (`writtenContracts`: the
 *    `_sluice_contracts` table, the file's sidecar, the first and last message's
 *    `Sluice-Contract` header), each target in parallel, each within `timeoutMs`;
 * 2. for every other version of the same contract there, check the two under the newer one's
 *    mode (BACKWARD: a consumer on the newer reads the older; FORWARD the reverse; FULL both;
 *    NONE nothing), whatever `_TRANSITIVE` says: the older events are in the target, so its
 *    readers meet both. A break is an error naming both versions and the change;
 * 3. another contract's events there are a warning; a target that cannot be read (a server
 *    away, a timeout) an info "could not check", never an error: it must not block a run.
 * An empty or missing target holds nothing, so a fresh run or a rebuild clears the problem.
 */
export async function checkWrittenContracts(graph: GraphFile, o: WrittenCheckOptions): Promise<Problem[]> {
  const timeoutMs = o.timeoutMs ?? TARGET_CHECK_TIMEOUT_MS;
  const connections = connectionsOf(graph);
  const checks: Array<Promise<Problem[]>> = [];
  for (const node of graph.nodes) {
    if (!isRecord(node.config) || typeof node.config[CONTRACT_KEY] !== 'string') continue;
    const schema = findSchema(o.schemas, node.config[CONTRACT_KEY]);
    if (!schema) continue; // an unknown contract: validate reports it
    const resolved = resolveNodeConfig(node.config, connections, o.env, o.keychain ?? 'absent');
    if (resolved.problems.some((p) => p.severity === 'error')) continue; // reported by validate
    const target = targetOf(node, resolved.config, graph, o.graphPath);
    if (target) checks.push(checkTarget(node, schema, target, o.schemas, timeoutMs));
  }
  return (await Promise.all(checks)).flat();
}

async function checkTarget(
  node: GraphNode,
  schema: EventSchema,
  target: Target,
  schemas: readonly EventSchema[],
  timeoutMs: number,
): Promise<Problem[]> {
  const who = nodeName(node.id, node.label);
  const at = { nodeId: node.id, field: CONTRACT_KEY };
  let written: WrittenContract[];
  try {
    written = await withTimeout(target.read(timeoutMs), timeoutMs);
  } catch (err) {
    return [
      {
        severity: 'info',
        ...at,
        message: `${who}: could not check which contracts ${target.what} holds: ${reasonOf(err)}.`,
      },
    ];
  }
  const problems: Problem[] = [];
  const others = new Set<string>();
  for (const w of written) {
    if (w.contract === schema.ref) continue;
    const ref = parseContractRef(w.contract);
    if (!ref || ref.name !== schema.name) {
      others.add(w.contract);
      continue;
    }
    const old = findSchema(schemas, ref);
    if (!old) {
      problems.push({
        severity: 'info',
        ...at,
        message: `${who}: could not check ${target.what} against ${w.contract}, whose events it holds: schemas/ has no ${w.contract}.`,
      });
      continue;
    }
    const breaks = breaksBetween(schema, old);
    if (breaks === null) continue;
    problems.push({
      severity: 'error',
      ...at,
      message:
        `${who} writes ${schema.ref} into ${target.what}, which holds ${old.ref} events (written since ` +
        `${dayOf(w.firstAt)}): ${breaks.newer} is not ${breaks.mode} compatible with ${breaks.older}: ` +
        `${breaks.message}. Write to a new target, empty this one, or make the change compatible.`,
    });
  }
  if (others.size > 0) {
    problems.push({
      severity: 'warning',
      ...at,
      message: `${who} writes ${schema.ref} into ${target.what}, which holds events of ${[...others].join(', ')}: its readers meet both.`,
    });
  }
  return problems;
}

/** The first break between two versions of one contract under the newer one's mode, or null. */
function breaksBetween(
  a: EventSchema,
  b: EventSchema,
): { newer: string; older: string; mode: string; message: string } | null {
  const [newer, older] = a.version > b.version ? [a, b] : [b, a];
  const mode = newer.compatibility.replace(/_TRANSITIVE$/, '');
  if (mode === 'NONE') return null;
  const directions: Array<[EventSchema, EventSchema]> = [];
  if (mode === 'BACKWARD' || mode === 'FULL') directions.push([newer, older]);
  if (mode === 'FORWARD' || mode === 'FULL') directions.push([older, newer]);
  for (const [reader, writer] of directions) {
    const found = readBreaks(reader.schema, writer.schema)[0];
    if (found) {
      return {
        newer: newer.ref,
        older: older.ref,
        mode,
        message: `${describeDifference(found)}: a consumer on v${reader.version} cannot read v${writer.version} events`,
      };
    }
  }
  return null;
}

/** The target of a sink node and how to read it; null for sinks whose targets keep no record. */
function targetOf(
  node: GraphNode,
  config: Record<string, unknown>,
  graph: GraphFile,
  graphPath: string,
): Target | null {
  const dir = path.dirname(path.resolve(graphPath));
  const text = (field: string): string | undefined => {
    const v = config[field];
    return typeof v === 'string' && v.trim() !== '' ? v : undefined;
  };
  const shown = (file: string): string => {
    const rel = path.relative(dir, file);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
  };
  switch (node.type) {
    case 'sink.sqlite': {
      const table = text('table');
      if (!table) return null;
      const p = text('path');
      const db = p ? path.resolve(dir, p) : defaultStatePath(graphPath, graph.name);
      return {
        what: `table ${table} of ${p ? shown(db) : 'the state database'}`,
        read: async () => readTableContracts(db, table),
      };
    }
    case 'sink.file': {
      const p = text('path');
      if (!p) return null;
      const file = path.resolve(dir, p);
      return { what: `file ${shown(file)}`, read: async () => readFileContracts(file) };
    }
    case 'sink.postgres': {
      const table = text('table');
      const url = text('url');
      if (!table || !url) return null;
      return { what: `PostgreSQL table ${table}`, read: (ms) => readPostgresContracts(url, table, ms) };
    }
    case 'sink.nats': {
      const subject = text('subject');
      if (!subject) return null;
      const url = text('url') ?? 'nats://127.0.0.1:4222';
      return {
        what: `NATS subject ${subject}`,
        read: (ms) => readNatsContracts(url, subject, text('stream'), ms),
      };
    }
    default:
      return null;
  }
}

/** `_sluice_contracts` beside the table, when both exist and the table has rows. */
async function readPostgresContracts(url: string, table: string, timeoutMs: number): Promise<WrittenContract[]> {
  const { default: Pg } = await import('pg');
  const client = new Pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    const found = await client.query<{ t: string | null; c: string | null }>(
      `SELECT to_regclass($1) AS t, to_regclass($2) AS c`,
      [`"${table}"`, CONTRACTS_TABLE],
    );
    if (!found.rows[0]?.t || !found.rows[0]?.c) return [];
    const held = await client.query(`SELECT 1 FROM "${table}" LIMIT 1`);
    if (held.rowCount === 0) return [];
    const rows = await client.query<{ contract: string; first_at: Date; last_at: Date }>(
      `SELECT contract, first_at, last_at FROM ${CONTRACTS_TABLE} WHERE tbl = $1 ORDER BY first_at`,
      [table],
    );
    return rows.rows.map((r) => ({ contract: r.contract, firstAt: r.first_at.getTime(), lastAt: r.last_at.getTime() }));
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The `Sluice-Contract` headers of the first and the last message on the subject (the oldest and
 * the newest events: cheap, and what a replay from the start meets first). Its stream: the sink's
 * `stream`, else the one capturing the subject; none, or no message: nothing written.
 */
async function readNatsContracts(
  url: string,
  subject: string,
  stream: string | undefined,
  timeoutMs: number,
): Promise<WrittenContract[]> {
  const nats = await import('nats');
  const filter = subject.replace(/\$\{key\}$/, '>').replace(/\$\{key\}/g, '*');
  const nc = await nats.connect(natsOptions(url, timeoutMs));
  try {
    const jsm = await nc.jetstreamManager({ timeout: timeoutMs });
    let name = stream;
    if (name === undefined) {
      try {
        name = await jsm.streams.find(filter);
      } catch {
        return []; // no stream captures it: nothing was written
      }
    }
    try {
      await jsm.streams.info(name);
    } catch {
      return []; // the sink creates it: nothing was written yet
    }
    const js = nc.jetstream({ timeout: timeoutMs });
    const found = new Map<string, WrittenContract>();
    for (const policy of [nats.DeliverPolicy.All, nats.DeliverPolicy.Last]) {
      const info = await jsm.consumers.add(name, {
        ack_policy: nats.AckPolicy.None,
        deliver_policy: policy,
        filter_subject: filter,
        inactive_threshold: nats.nanos(10_000),
        mem_storage: true,
      });
      try {
        if (info.num_pending === 0) return [];
        const consumer = await js.consumers.get(name, info.name);
        const m = await consumer.next({ expires: Math.max(1000, timeoutMs) });
        const ref = m?.headers?.get(CONTRACT_HEADER);
        if (m && ref) {
          const t = Math.floor(m.info.timestampNanos / 1e6);
          const seen = found.get(ref);
          found.set(ref, seen ? { ...seen, lastAt: t } : { contract: ref, firstAt: t, lastAt: t });
        }
      } finally {
        await jsm.consumers.delete(name, info.name).catch(() => false);
      }
    }
    return [...found.values()];
  } finally {
    await nc.close().catch(() => {});
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms + 500);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** A short reason for a failed read: the error's message, without a stack. */
function reasonOf(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  let text = err instanceof Error ? err.message : String(err);
  if (text === '' && typeof code === 'string') text = code;
  if (code === 'CONNECTION_REFUSED' || /ECONNREFUSED/.test(text)) text = 'connection refused';
  return text.replace(/\s+/g, ' ').replace(/\.$/, '') || 'unknown error';
}

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
