import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../../engine/contract/EngineApi.js';
import type { MetricsSnapshot } from '../../../../engine/contract/metrics.js';
import { createEditorStore } from '../../../../renderer/store/createEditorStore.js';
import { HISTORY_LENGTH } from '../../../../renderer/store/MetricsHistory.js';
import { TAP_KEEP } from '../../../../renderer/store/runSlice.js';

const frame = (t: number, rate: number): MetricsSnapshot => ({
  t,
  run: {
    status: 'running',
    elapsedMs: t,
    sourceRate: rate,
    checkpoints: { count: 1, lastId: 1, lastDurationMs: 3, lastBytes: 10, lastPauseMs: 1 },
    restarts: 0,
  },
  nodes: { a: { in: 0, out: t, errors: 0, dropped: 0, busy: 0.1, watermark: null, stateSize: 0, status: 'running' } },
  edges: {
    e1: { total: t, rate, bytesRate: 0, queued: 0, capacity: 10, backpressure: 0, latencyP50: 1, latencyP99: 2 },
  },
});
const metrics = (runId: string, t: number, rate = 5): RunEvent => ({
  type: 'metricsPublished',
  runId,
  snapshot: frame(t, rate),
});

describe('run slice', () => {
  it('applies events that arrived before startRun answered, and ignores other runs', () => {
    const store = createEditorStore();
    store.getState().runStarting();
    store.getState().applyRunEvent(metrics('r1', 1));
    store.getState().applyRunEvent(metrics('other', 2));
    expect(store.getState().frame).toBeNull();
    store.getState().runStarted('r1');
    expect(store.getState().frame?.t).toBe(1);
    store.getState().applyRunEvent(metrics('other', 3));
    expect(store.getState().frame?.t).toBe(1);
    expect(store.getState().runStatus).toBe('running');
  });

  it('keeps one minute of history per series in fixed rings', () => {
    const store = createEditorStore();
    store.getState().runStarting();
    store.getState().runStarted('r');
    for (let t = 0; t < HISTORY_LENGTH + 50; t++) store.getState().applyRunEvent(metrics('r', t, t));
    const ring = store.getState().history.edge('e1', 'rate')!;
    expect(ring.length).toBe(HISTORY_LENGTH);
    expect(ring.last()).toBe(HISTORY_LENGTH + 49);
    expect(ring.at(0)).toBe(50);
  });

  it('keeps the newest tapped events, and none while paused', () => {
    const store = createEditorStore();
    store.getState().runStarting();
    store.getState().runStarted('r');
    store.getState().openTap('e1');
    const events = Array.from({ length: TAP_KEEP + 5 }, (_, i) => ({ id: `x${i}`, key: null, time: i, value: i }));
    store.getState().applyRunEvent({ type: 'edgeTapped', runId: 'r', edgeId: 'e1', events });
    expect(store.getState().tap?.events).toHaveLength(TAP_KEEP);
    expect(store.getState().tap?.events.at(-1)?.event.id).toBe(`x${TAP_KEEP + 4}`);
    store.getState().setTapPaused(true);
    store.getState().applyRunEvent({ type: 'edgeTapped', runId: 'r', edgeId: 'e1', events: [events[0]!] });
    expect(store.getState().tap?.events.at(-1)?.event.id).toBe(`x${TAP_KEEP + 4}`);
    expect(store.getState().tap?.received).toBe(TAP_KEEP + 6);
  });

  it('collects sink.chart points from log lines, bounded by the node maxPoints', () => {
    const store = createEditorStore();
    store.setState({
      graph: { ...store.getState().graph, nodes: [{ id: 'c', type: 'sink.chart', config: { maxPoints: 3 } }] },
    });
    store.getState().runStarting();
    store.getState().runStarted('r');
    const log = (points: number[][]): RunEvent => ({
      type: 'logged',
      runId: 'r',
      nodeId: 'c',
      level: 'info',
      message: JSON.stringify({ chart: points }),
    });
    store.getState().applyRunEvent(
      log([
        [1, 1],
        [2, 2],
      ]),
    );
    store.getState().applyRunEvent(
      log([
        [3, 3],
        [4, 4],
      ]),
    );
    expect(store.getState().charts.c?.points).toEqual([
      [2, 2],
      [3, 3],
      [4, 4],
    ]);
    expect(store.getState().logs).toEqual([]);
  });

  it('marks the run ended with its status and reason', () => {
    const store = createEditorStore();
    store.getState().runStarting();
    store.getState().runStarted('r');
    store.getState().applyRunEvent({ type: 'runEnded', runId: 'r', status: 'failed', reason: 'worker died 4 times' });
    expect(store.getState().runPhase).toBe('ended');
    expect(store.getState().runStatus).toBe('failed');
    expect(store.getState().runReason).toBe('worker died 4 times');
  });

  it('shows no bottleneck once the run is over, and a recovery reason does not outlive a stop', () => {
    const store = createEditorStore();
    store.getState().replaceDocument(
      {
        format: 'sluice/graph',
        version: 1,
        name: 'g',
        nodes: [
          { id: 'a', type: 'source.generator', config: {} },
          { id: 'b', type: 'map', config: { expression: 'value' } },
        ],
        edges: [{ id: 'e1', from: { node: 'a', port: 'out' }, to: { node: 'b', port: 'in' } }],
      },
      { filePath: null, trusted: true, saved: false },
    );
    store.getState().runStarting();
    store.getState().runStarted('r1');
    const busy = frame(1, 100);
    busy.nodes['b'] = { ...busy.nodes['a']!, busy: 0.99 };
    busy.edges['e1'] = { ...busy.edges['e1']!, queued: 10, backpressure: 0.9 };
    store.getState().applyRunEvent({ type: 'metricsPublished', runId: 'r1', snapshot: busy });
    expect(store.getState().bottleneck).not.toBeNull();
    store
      .getState()
      .applyRunEvent({ type: 'runStatusChanged', runId: 'r1', status: 'recovering', reason: 'worker 0 exited' });
    expect(store.getState().runReason).toBe('worker 0 exited');
    const finished = { ...busy, run: { ...busy.run, status: 'finished' as const } };
    store.getState().applyRunEvent({ type: 'metricsPublished', runId: 'r1', snapshot: finished });
    expect(store.getState().bottleneck).toBeNull();
    store.getState().applyRunEvent({ type: 'runEnded', runId: 'r1', status: 'stopped' });
    expect(store.getState()).toMatchObject({ runReason: null, bottleneck: null, runPhase: 'ended' });
  });
});
