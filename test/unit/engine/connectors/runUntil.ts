// Run a graph with a live source on real worker threads until a condition holds, then stop it
// (final checkpoint). Waiting on the outcome, not on a fixed duration: the machine is loaded.
import type { GraphFile, MetricsSnapshot } from '../../../../engine/contract/index.js';
import type { RunResult } from '../../../../engine/runtime/RunHandle.js';
import { startRun, type StartedRun } from '../../../../engine/runtime/startRun.js';

export interface LiveRun {
  run: StartedRun;
  frames: MetricsSnapshot[];
  /** The latest frame, or null before the first. */
  last(): MetricsSnapshot | null;
}

export async function startLive(graph: GraphFile, dir: string, statePath?: string): Promise<LiveRun> {
  const frames: MetricsSnapshot[] = [];
  const run = await startRun({ graph, baseDir: dir, metricsIntervalMs: 100, ...(statePath ? { statePath } : {}) });
  run.subscribe((e) => {
    if (e.type === 'metricsPublished') frames.push(e.snapshot);
  });
  return { run, frames, last: () => frames[frames.length - 1] ?? null };
}

/** Start, wait for `cond` (or the run's end), stop; the result and the last frame. */
export async function runUntil(
  graph: GraphFile,
  o: { dir: string; statePath?: string; timeoutMs?: number },
  cond: (live: LiveRun) => boolean | Promise<boolean>,
): Promise<{ result: RunResult; last: MetricsSnapshot | null }> {
  const live = await startLive(graph, o.dir, o.statePath);
  let ended = false;
  void live.run.done.then(() => (ended = true));
  const end = Date.now() + (o.timeoutMs ?? 20_000);
  while (!ended && !(await cond(live))) {
    if (Date.now() > end) {
      await live.run.stop();
      throw new Error(`the run did not reach its condition within ${o.timeoutMs ?? 20_000} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const result = ended ? await live.run.done : await live.run.stop();
  return { result, last: live.last() };
}
