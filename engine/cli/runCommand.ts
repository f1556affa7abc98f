import { connectionBadge, connectionChanges } from './connectionLine.js';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { MetricsSnapshot, RunEvent } from '../contract/index.js';
import { watchRunAlerts } from '../graph/alerts/watchRunAlerts.js';
import { PrometheusExporter } from '../host/PrometheusExporter.js';
import { CheckedGraph, describeProblem } from '../runtime/CheckedGraph.js';
import { startRun, type StartedRun } from '../runtime/startRun.js';
import { defaultStatePath } from '../store/defaultStatePath.js';
import { loadGraphSchemas } from '../contracts/node/loadGraphSchemas.js';
import { alertLine } from './alertLine.js';
import { formatSchemaProblem } from './formatSchemaProblem.js';
import { readGraphFile } from './readGraphFile.js';

export interface RunCommandOptions {
  graphPath: string;
  statePath?: string;
  metricsPath?: string;
  durationMs?: number;
  fresh?: boolean;
  /** Serve the run's metrics for Prometheus on 127.0.0.1 at this port (`--prometheus`). */
  prometheusPort?: number;
  /** Where stop signals come from (the process in the CLI; tests pass their own). */
  signals?: NodeJS.EventEmitter;
  /** Show a live progress line (stderr is a terminal). */
  progress: boolean;
}

export interface RunOutput {
  out(line: string): void;
  err(line: string): void;
  /** Rewrite the progress line in place (terminal only). */
  progress(line: string): void;
}

/**
 * `sluice run <graph>`: read and check the graph (once: the run is handed the checked graph),
 * run to the end (or until a signal or --duration), final checkpoint, exit 0. Exit 1: invalid
 * graph or failed run; 2: unreadable file. The summary counts what each sink committed.
 */
export async function runCommand(o: RunCommandOptions, io: RunOutput): Promise<number> {
  // Signals are taken from the start: one that lands while the run starts stops it as soon as it
  // exists (final checkpoint, exit 0) rather than killing the process. The handlers stay until
  // the process exits: a signal that lands after the final checkpoint, while the process winds
  // down, must not kill it with a signal's exit status.
  let started: StartedRun | null = null;
  let stopAsked = false;
  const stop = (): void => {
    stopAsked = true;
    if (started) void started.stop();
  };
  o.signals?.on('SIGINT', stop);
  o.signals?.on('SIGTERM', stop);
  const read = readGraphFile(o.graphPath);
  if (!read.ok) {
    io.err(read.error);
    return 2;
  }
  const graph = read.graph;
  // The contracts the workers check events against: the graph's schemas/ folder (SPEC §11).
  const schemas = loadGraphSchemas(o.graphPath);
  const schemaErrors = schemas.problems.filter((p) => p.severity === 'error');
  for (const p of schemaErrors) io.err(formatSchemaProblem(schemas.folder, p));
  const check = CheckedGraph.check(graph, schemas.schemas);
  if (!check.ok) {
    for (const p of check.errors) io.err(`error: ${describeProblem(p)}`);
    return 1;
  }
  const statePath = resolve(o.statePath ?? defaultStatePath(o.graphPath, graph.name));
  const prometheus = o.prometheusPort === undefined ? null : await PrometheusExporter.start(o.prometheusPort, graph);
  if (prometheus) io.err(`prometheus: metrics at ${prometheus.url}`);
  const run = await startRun({
    graph: check.checked,
    baseDir: dirname(resolve(o.graphPath)),
    statePath,
    ...(o.fresh ? { fresh: true } : {}),
    ...(o.durationMs !== undefined ? { durationMs: o.durationMs } : {}),
    onConsole: (line) => io.out(line),
    ...hangTimeout(),
  });
  started = run;
  if (run.resumedFrom !== null) io.err(`resuming from checkpoint ${run.resumedFrom} in ${statePath}`);
  for (const note of run.stateNotes) io.err(note);

  const sinks = graph.nodes.filter((n) => n.type.startsWith('sink.')).map((n) => n.id);
  let last: MetricsSnapshot | null = null;
  let lastWritten = 0;
  let recovering = '';
  if (o.metricsPath) {
    mkdirSync(dirname(resolve(o.metricsPath)), { recursive: true });
    writeFileSync(o.metricsPath, '');
  }
  const onEvent = (e: RunEvent): void => {
    prometheus?.observe(e);
    if (e.type === 'metricsPublished') {
      for (const line of connectionChanges(last, e.snapshot)) io.err(line);
      last = e.snapshot;
      if (o.metricsPath && e.snapshot.t - lastWritten >= 1000) {
        lastWritten = e.snapshot.t;
        appendFileSync(o.metricsPath, JSON.stringify(e.snapshot) + '\n');
      }
      if (o.progress) io.progress(progressLine(e.snapshot, sinks));
    } else if (e.type === 'runStatusChanged' && e.status === 'recovering' && e.reason) {
      recovering = e.reason;
      io.err(e.reason);
    } else if (e.type === 'notificationRequested') {
      // The CLI's notification is a line on the terminal.
      io.err(`notify: ${e.title}: ${e.body}`);
    } else if (e.type === 'logged' && e.level !== 'info') {
      // The run logs each restart as well (for the app's log panel): said once here.
      if (e.nodeId === null && recovering.startsWith(e.message)) return;
      io.err(`${e.level}: ${e.nodeId ? `node ${e.nodeId}: ` : ''}${e.message}`);
    } else if (e.type === 'alertFired' || e.type === 'alertCleared') {
      io.err(alertLine(e));
    }
  };
  run.subscribe(onEvent);
  watchRunAlerts(graph, run, onEvent, { desktopNotifications: false });

  if (stopAsked) void run.stop();
  const result = await run.done;
  await prometheus?.close();
  if (o.metricsPath && last) appendFileSync(o.metricsPath, JSON.stringify(last) + '\n');
  if (o.progress) io.progress('');
  const final = last as MetricsSnapshot | null;
  const committed = run.committedEvents();
  const counts = sinks.map((id) => `${id} ${committed[id] ?? 0}`).join(', ');
  if (result.status === 'failed') {
    io.err(`run failed: ${result.reason ?? 'unknown reason'}`);
    return 1;
  }
  io.err(
    `run ${result.status}${counts ? `: ${counts}` : ''}${final ? ` in ${(final.run.elapsedMs / 1000).toFixed(1)} s` : ''}`,
  );
  return 0;
}

/** "1.2M ev/s · 3.4 s · sink 120000" — what a person watching the terminal wants to know. */
export function progressLine(m: MetricsSnapshot, sinks: readonly string[]): string {
  const rate = m.run.sourceRate;
  const r = rate >= 1e6 ? `${(rate / 1e6).toFixed(2)}M` : rate >= 1e3 ? `${(rate / 1e3).toFixed(1)}k` : rate.toFixed(0);
  const counts = sinks.map((id) => `${id} ${m.nodes[id]?.in ?? 0}`).join(' · ');
  const away = Object.entries(m.nodes)
    .filter(([, n]) => n.connection && n.connection.state !== 'connected')
    .map(([id, n]) => ` · ${id} ${connectionBadge(n.connection!)}`)
    .join('');
  return `${r} ev/s · ${(m.run.elapsedMs / 1000).toFixed(1)} s · ${counts} · checkpoints ${m.run.checkpoints.count}${away}`;
}

function hangTimeout(): { hangTimeoutMs?: number } {
  const ms = Number(process.env['SLUICE_HANG_TIMEOUT_MS']);
  return Number.isFinite(ms) && ms > 0 ? { hangTimeoutMs: ms } : {};
}
