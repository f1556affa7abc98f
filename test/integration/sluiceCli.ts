/**
 * Helpers for tests that run the bundled CLI (dist/cli.js, built by test/globalSetup.ts) as a
 * user does: a child process per run, so SIGKILL kills the whole run, workers included.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(REPO, 'dist', 'cli.js');

export interface CliResult {
  /** Exit code, or null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when this helper sent the kill (`killAfterMs`) before the process ended by itself. */
  killed: boolean;
  /** Wall-clock ms from spawn to exit. */
  ms: number;
}

export interface CliOptions {
  cwd?: string;
  /** Send `killSignal` after this many ms (if the process is still running). */
  killAfterMs?: number;
  killSignal?: NodeJS.Signals;
  /**
   * Send `killSignal` once this returns true (polled every 50 ms): a signal tied to what the run
   * has done, not to a time a loaded machine may not keep.
   */
  killWhen?: () => boolean;
  /** Fail (SIGKILL and reject) if the process runs longer than this. */
  timeoutMs?: number;
  /** Called once per stderr chunk (to react to a line, e.g. send SIGINT when the run started). */
  onStderr?: (chunk: string, child: ReturnType<typeof spawn>) => void;
  /** Extra environment variables for the child (added to this process's environment). */
  env?: Record<string, string>;
}

/** Run `node dist/cli.js <args>` and collect its output. */
export function runCli(args: readonly string[], o: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: o.cwd ?? REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(o.env ? { env: { ...process.env, ...o.env } } : {}),
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      o.onStderr?.(d, child);
    });
    const killTimer =
      o.killAfterMs !== undefined
        ? setTimeout(() => {
            if (child.exitCode === null && child.signalCode === null) {
              killed = true;
              child.kill(o.killSignal ?? 'SIGKILL');
            }
          }, o.killAfterMs)
        : null;
    const killPoll =
      o.killWhen !== undefined
        ? setInterval(() => {
            if (child.exitCode === null && child.signalCode === null && o.killWhen!()) {
              killed = true;
              child.kill(o.killSignal ?? 'SIGKILL');
              clearInterval(killPoll!);
            }
          }, 50)
        : null;
    const timeout = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, o.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (killTimer) clearTimeout(killTimer);
      if (killPoll) clearInterval(killPoll);
      clearTimeout(timeout);
      if (timedOut) {
        reject(new Error(`sluice ${args.join(' ')} did not end within ${o.timeoutMs ?? 60_000} ms; stderr: ${stderr}`));
        return;
      }
      resolve({ code, signal, stdout, stderr, killed, ms: performance.now() - t0 });
    });
  });
}

/** mulberry32: a tiny seeded PRNG, so a failing kill schedule can be replayed from its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface StandardPipelineOptions {
  count: number;
  /** Omit for "as fast as backpressure allows". */
  ratePerSec?: number;
  keys: number;
  checkpointIntervalMs: number;
  /** Parallelism of the aggregate. */
  parallelism?: number;
  /** Parallelism of the map (default 1). */
  mapParallelism?: number;
  /** sink.sqlite path relative to the graph; undefined: the table lives in the state DB. */
  totalsDb?: string;
  changelog?: string;
}

export const TOTALS_TABLE = 'totals';

/**
 * The standard pipeline of issue 3: generator → map → keyed sum → sink.file (JSONL changelog,
 * envelope) + sink.sqlite (upsert of the latest total per key). Event time is `i`, not the wall
 * clock, so two runs produce byte-identical changelog lines.
 */
export function standardPipeline(o: StandardPipelineOptions): object {
  return {
    format: 'sluice/graph',
    version: 1,
    name: 'Crash pipeline',
    settings: { checkpointIntervalMs: o.checkpointIntervalMs, defaultEdgeCapacity: 1024 },
    nodes: [
      {
        id: 'orders',
        type: 'source.generator',
        config: {
          count: o.count,
          ...(o.ratePerSec !== undefined ? { ratePerSec: o.ratePerSec } : {}),
          keys: o.keys,
          timeExpression: 'i',
          valueExpression: '({ seq: i, quantity: 1 + (i % 5) })',
        },
      },
      {
        id: 'price',
        type: 'map',
        parallelism: o.mapParallelism ?? 1,
        config: { expression: '({ ...value, amount: value.quantity * 12.5 })' },
      },
      {
        id: 'totals',
        type: 'aggregate',
        parallelism: o.parallelism ?? 1,
        config: { op: 'sum', field: 'value.amount' },
      },
      {
        id: 'changelog',
        type: 'sink.file',
        config: { path: o.changelog ?? 'out/changelog.jsonl', format: 'jsonl', envelope: true },
      },
      {
        id: 'latest',
        type: 'sink.sqlite',
        config: { ...(o.totalsDb ? { path: o.totalsDb } : {}), table: TOTALS_TABLE, mode: 'upsert' },
      },
    ],
    edges: [
      { id: 'e1', from: { node: 'orders', port: 'out' }, to: { node: 'price', port: 'in' } },
      { id: 'e2', from: { node: 'price', port: 'out' }, to: { node: 'totals', port: 'in' } },
      { id: 'e3', from: { node: 'totals', port: 'out' }, to: { node: 'changelog', port: 'in' } },
      { id: 'e4', from: { node: 'totals', port: 'out' }, to: { node: 'latest', port: 'in' } },
    ],
  };
}

/** Write `graph` as `<dir>/<name>.sluice.json` and return its path. */
export function writeGraph(dir: string, graph: object, name = 'pipeline'): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.sluice.json`);
  fs.writeFileSync(file, JSON.stringify(graph, null, 2));
  return file;
}

/**
 * A JSONL changelog grouped by event key, lines in file order within a key. Across keys the
 * order depends on thread scheduling (parallel instances); within a key it is the contract.
 * A torn last line (no newline) is kept as is, so it shows up as a difference.
 */
export function changelogByKey(file: string): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  if (!fs.existsSync(file)) return byKey;
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    let key: string;
    try {
      key = String((JSON.parse(line) as { key: unknown }).key);
    } catch {
      key = '<unparseable>';
    }
    let list = byKey.get(key);
    if (!list) byKey.set(key, (list = []));
    list.push(line);
  }
  return byKey;
}

/**
 * Differences between two per-key changelogs, at most `limit` sentences: missing or extra keys,
 * per key the first index where they differ and the line counts (a duplicate shows as "n+1
 * lines"). Empty when equal — compared this way so a failure names the problem instead of
 * printing 60,000 lines.
 */
export function changelogDifferences(
  expected: Map<string, string[]>,
  actual: Map<string, string[]>,
  limit = 10,
): string[] {
  const out: string[] = [];
  for (const [key, want] of expected) {
    const got = actual.get(key);
    if (!got) {
      out.push(`key ${key}: missing (expected ${want.length} lines)`);
      continue;
    }
    const n = Math.max(want.length, got.length);
    for (let i = 0; i < n; i++) {
      if (want[i] !== got[i]) {
        out.push(
          `key ${key}: ${got.length} lines, expected ${want.length}; first difference at line ${i}: expected ${want[i] ?? '<none>'}, got ${got[i] ?? '<none>'}`,
        );
        break;
      }
    }
  }
  for (const key of actual.keys())
    if (!expected.has(key)) out.push(`key ${key}: unexpected (${actual.get(key)!.length} lines)`);
  return out.slice(0, limit);
}

/**
 * Differences between a changelog and what the standard pipeline must produce for `count`
 * events over `keys` keys (computed here, without Sluice): per key, in order, the event id,
 * time and the running sum and count. Empty when every result is there exactly once.
 */
export function computedDifferences(actual: Map<string, string[]>, count: number, keys: number, limit = 10): string[] {
  const want = new Map<string, string[]>();
  const sums = new Map<string, { sum: number; n: number }>();
  for (let i = 0; i < count; i++) {
    const key = `k${i % keys}`;
    const s = sums.get(key) ?? { sum: 0, n: 0 };
    s.sum += (1 + (i % 5)) * 12.5;
    s.n++;
    sums.set(key, s);
    let list = want.get(key);
    if (!list) want.set(key, (list = []));
    list.push(JSON.stringify([`orders-${i}`, i, s.sum, s.n]));
  }
  const got = new Map<string, string[]>();
  for (const [key, lines] of actual) {
    got.set(
      key,
      lines.map((l) => {
        try {
          const e = JSON.parse(l) as { id: string; time: number; value: { value: number; count: number } };
          return JSON.stringify([e.id, e.time, e.value.value, e.value.count]);
        } catch {
          return l;
        }
      }),
    );
  }
  return changelogDifferences(want, got, limit);
}

/** The final total per key the standard pipeline must produce (for the upsert table). */
export function computedTotals(count: number, keys: number): Map<string, number> {
  const sums = new Map<string, number>();
  for (let i = 0; i < count; i++) sums.set(`k${i % keys}`, (sums.get(`k${i % keys}`) ?? 0) + (1 + (i % 5)) * 12.5);
  return sums;
}

export interface TotalRow {
  key: string;
  time: number;
  value: string;
}

/** Rows of the upsert table, ordered by key. */
export function readTotals(dbFile: string, table = TOTALS_TABLE): TotalRow[] {
  const db = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(`SELECT key, time, value FROM ${table} ORDER BY key`).all() as TotalRow[];
  } finally {
    db.close();
  }
}

/** `PRAGMA integrity_check` of a SQLite file: ['ok'] when sound. */
export function integrityCheck(dbFile: string): string[] {
  const db = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
  } finally {
    db.close();
  }
}

/** stderr lines, without empty ones. */
export function linesOf(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}
