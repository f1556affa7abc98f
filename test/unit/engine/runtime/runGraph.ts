// Test harness: run a graph on real worker threads to the end and collect its frames.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventSchema, GraphFile, MetricsSnapshot, RunEvent } from '../../../../engine/contract/index.js';
import { startRun } from '../../../../engine/runtime/startRun.js';
import type { RunResult } from '../../../../engine/runtime/RunHandle.js';

export interface GraphSpec {
  name?: string;
  settings?: GraphFile['settings'];
  nodes: Array<{ id: string; type: string; config?: Record<string, unknown>; parallelism?: number }>;
  /** "from.port -> to.port" or "from -> to" (ports out/in). Capacity after a colon: "a -> b :16". */
  edges: string[];
}

export function graphOf(spec: GraphSpec): GraphFile {
  return {
    format: 'sluice/graph',
    version: 1,
    name: spec.name ?? 'test',
    settings: spec.settings ?? { checkpointIntervalMs: 200 },
    nodes: spec.nodes.map((n) => ({ ...n, config: n.config ?? {} })),
    edges: spec.edges.map((text, i) => {
      const [arrow, cap] = text.split(':').map((s) => s.trim()) as [string, string | undefined];
      const [from, to] = arrow.split('->').map((s) => s.trim()) as [string, string];
      const [fn, fp = 'out'] = from.split('.');
      const [tn, tp = 'in'] = to.split('.');
      return {
        id: `e${i + 1}`,
        from: { node: fn!, port: fp },
        to: { node: tn!, port: tp },
        ...(cap ? { capacity: Number(cap) } : {}),
      };
    }),
  };
}

export interface Finished {
  result: RunResult;
  frames: MetricsSnapshot[];
  events: RunEvent[];
  console: string[];
  dir: string;
  last: MetricsSnapshot;
}

export async function runToEnd(
  graph: GraphFile,
  opts: {
    dir?: string;
    statePath?: string;
    maxWorkers?: number;
    fuse?: boolean;
    durationMs?: number;
    hangTimeoutMs?: number;
    usePinned?: boolean;
    /** The graph's contracts (its `schemas/` folder, loaded). */
    schemas?: EventSchema[];
  } = {},
): Promise<Finished> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'sluice-run-'));
  const frames: MetricsSnapshot[] = [];
  const events: RunEvent[] = [];
  const consoleLines: string[] = [];
  const run = await startRun({
    graph,
    baseDir: dir,
    ...(opts.statePath ? { statePath: opts.statePath } : {}),
    metricsIntervalMs: 100,
    onConsole: (l) => consoleLines.push(l),
    ...(opts.maxWorkers ? { maxWorkers: opts.maxWorkers } : {}),
    ...(opts.fuse !== undefined ? { fuse: opts.fuse } : {}),
    ...(opts.durationMs !== undefined ? { durationMs: opts.durationMs } : {}),
    ...(opts.hangTimeoutMs !== undefined ? { hangTimeoutMs: opts.hangTimeoutMs } : {}),
    ...(opts.usePinned ? { usePinned: true } : {}),
    ...(opts.schemas ? { schemas: opts.schemas } : {}),
  });
  run.subscribe((e) => {
    events.push(e);
    if (process.env['SLUICE_DEBUG_RUN'] && e.type !== 'metricsPublished')
      console.error(Date.now() % 100000, JSON.stringify(e).slice(0, 300));
    if (e.type === 'metricsPublished') frames.push(e.snapshot);
  });
  const result = await run.done;
  return { result, frames, events, console: consoleLines, dir, last: frames[frames.length - 1]! };
}
