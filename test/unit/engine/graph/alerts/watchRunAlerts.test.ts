import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../../../engine/contract/EngineApi.js';
import type { GraphFile } from '../../../../../engine/contract/graphFile.js';
import type { MetricsSnapshot } from '../../../../../engine/contract/metrics.js';
import { watchRunAlerts } from '../../../../../engine/graph/alerts/watchRunAlerts.js';

/** An event source shaped like a run: what the test emits reaches every subscriber. */
class Events {
  readonly runId = 'run-1';
  private readonly listeners = new Set<(e: RunEvent) => void>();
  subscribe(l: (e: RunEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  emit(e: RunEvent): void {
    for (const l of [...this.listeners]) l(e);
  }
  get subscribers(): number {
    return this.listeners.size;
  }
}

const graph = (alerts: GraphFile['alerts']): GraphFile => ({
  format: 'sluice/graph',
  version: 1,
  name: 'Orders',
  nodes: [
    { id: 'gen', type: 'source.generator', config: {} },
    { id: 'out', type: 'sink.file', config: {} },
  ],
  edges: [{ id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'out', port: 'in' } }],
  ...(alerts ? { alerts } : {}),
});

function frame(t: number, rate: number, errors = 0): MetricsSnapshot {
  return {
    t,
    run: {
      status: 'running',
      elapsedMs: t,
      sourceRate: rate,
      checkpoints: { count: 0, lastId: null, lastDurationMs: null, lastBytes: null, lastPauseMs: null },
      restarts: 0,
    },
    nodes: {
      out: { in: 0, out: 0, errors, dropped: 0, busy: 0, watermark: null, stateSize: 0, status: 'running' },
    },
    edges: {
      e1: {
        total: 0,
        rate,
        bytesRate: 0,
        queued: 0,
        capacity: 1024,
        backpressure: 0,
        latencyP50: null,
        latencyP99: null,
      },
    },
  };
}
const metrics = (snapshot: MetricsSnapshot): RunEvent => ({ type: 'metricsPublished', runId: 'run-1', snapshot });

describe('watchRunAlerts', () => {
  it('turns the run’s frames into alertFired and alertCleared events', () => {
    const run = new Events();
    const seen: RunEvent[] = [];
    watchRunAlerts(graph([{ id: 'slow', when: 'edge e1 rate < 100', forMs: 500 }]), run, (e) => seen.push(e));
    for (const [i, rate] of [500, 50, 40, 30, 400].entries()) run.emit(metrics(frame(1000 + i * 250, rate)));
    expect(seen).toEqual([
      {
        type: 'alertFired',
        runId: 'run-1',
        alertId: 'slow',
        when: 'edge e1 rate < 100',
        subject: { kind: 'edge', id: 'e1' },
        value: 30,
        since: 1250,
        at: 1750,
        message: 'edge e1 rate 30 < 100 for 500 ms',
      },
      {
        type: 'alertCleared',
        runId: 'run-1',
        alertId: 'slow',
        when: 'edge e1 rate < 100',
        subject: { kind: 'edge', id: 'e1' },
        value: 400,
        at: 2000,
        message: 'edge e1 rate 400, no longer < 100 (fired for 250 ms)',
      },
    ]);
  });

  it('raises a notification for notify "desktop" unless told not to', () => {
    const rules: GraphFile['alerts'] = [
      { when: 'node out errorsTotal > 0', notify: 'desktop' },
      { when: 'run rate < 1', notify: 'desktop' },
      { when: 'edge e1 rate < 1' },
    ];
    const run = new Events();
    const app: RunEvent[] = [];
    const cli: RunEvent[] = [];
    watchRunAlerts(graph(rules), run, (e) => app.push(e));
    watchRunAlerts(graph(rules), run, (e) => cli.push(e), { desktopNotifications: false });
    run.emit(metrics(frame(0, 0, 3)));
    expect(app.map((e) => e.type)).toEqual([
      'alertFired',
      'notificationRequested',
      'alertFired',
      'notificationRequested',
      'alertFired',
    ]);
    expect(app.filter((e) => e.type === 'notificationRequested')).toEqual([
      {
        type: 'notificationRequested',
        runId: 'run-1',
        nodeId: 'out',
        title: 'Alert in Orders',
        body: 'node out errorsTotal 3 > 0',
      },
      { type: 'notificationRequested', runId: 'run-1', nodeId: '', title: 'Alert in Orders', body: 'run rate 0 < 1' },
    ]);
    expect(cli.map((e) => e.type)).toEqual(['alertFired', 'alertFired', 'alertFired']);
  });

  it('clears firing alerts when the run’s status turns final, then stops listening', () => {
    const run = new Events();
    const seen: RunEvent[] = [];
    watchRunAlerts(graph([{ when: 'run rate < 1' }]), run, (e) => seen.push(e), { now: () => 9000 });
    run.emit(metrics(frame(5000, 0)));
    run.emit({ type: 'runStatusChanged', runId: 'run-1', status: 'finished' });
    run.emit({ type: 'runEnded', runId: 'run-1', status: 'finished' });
    run.emit(metrics(frame(9500, 0)));
    expect(seen.map((e) => e.type)).toEqual(['alertFired', 'alertCleared']);
    expect(seen[1]).toMatchObject({
      value: null,
      at: 9000,
      reason: 'the run finished',
      message: 'run rate < 1: the run finished (fired for 4 s)',
    });
    expect(run.subscribers).toBe(0);
  });

  it('does not subscribe for a graph without alerts', () => {
    const run = new Events();
    watchRunAlerts(graph(undefined), run, () => undefined);
    expect(run.subscribers).toBe(0);
  });
});
