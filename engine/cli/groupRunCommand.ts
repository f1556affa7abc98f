import { dirname, resolve } from 'node:path';
import { CheckedGraph, describeProblem } from '../runtime/CheckedGraph.js';
import { GroupRun } from '../scaleout/GroupRun.js';
import { groupLeaseTimes } from '../scaleout/groupSettings.js';
import { defaultStatePath } from '../store/defaultStatePath.js';
import { readGraphFile } from './readGraphFile.js';
import type { RunOutput } from './runCommand.js';

export interface GroupRunCommandOptions {
  graphPath: string;
  group: string;
  url: string;
  /** Where members keep their local caches (`--state`); default `.sluice/<graph>.group-<name>/<member>/`. */
  statePath?: string;
  durationMs?: number;
  signals?: NodeJS.EventEmitter;
}

/**
 * `sluice run <graph> --group <name>`: join the group and run the partitions this process is
 * given, until SIGINT/SIGTERM or --duration; then hand them over and exit 0. Exit 1: invalid
 * graph, a graph a group cannot run, NATS unreachable; 2: unreadable file.
 */
export async function groupRunCommand(o: GroupRunCommandOptions, io: RunOutput): Promise<number> {
  let stop: (() => void) | null = null;
  let stopAsked = false;
  const onSignal = (): void => {
    stopAsked = true;
    stop?.();
  };
  o.signals?.on('SIGINT', onSignal);
  o.signals?.on('SIGTERM', onSignal);
  const read = readGraphFile(o.graphPath);
  if (!read.ok) {
    io.err(read.error);
    return 2;
  }
  const check = CheckedGraph.check(read.graph);
  if (!check.ok) {
    for (const p of check.errors) io.err(`error: ${describeProblem(p)}`);
    return 1;
  }
  const base = o.statePath ? resolve(o.statePath) : defaultStatePath(o.graphPath, read.graph.name).replace(/\.db$/, '');
  const run = await GroupRun.start({
    graph: read.graph,
    baseDir: dirname(resolve(o.graphPath)),
    group: o.group,
    url: o.url,
    cacheDir: `${base}.group-${o.group}`,
    ...groupLeaseTimes(process.env),
    log: (line) => io.err(line),
    onConsole: (line) => io.out(line),
  });
  const finished = new Promise<void>((r) => (stop = () => void run.stop().then(r)));
  const timer = o.durationMs !== undefined ? setTimeout(() => stop?.(), o.durationMs) : null;
  if (stopAsked) stop!();
  await finished;
  if (timer) clearTimeout(timer);
  io.err(`left group ${o.group}`);
  return 0;
}
