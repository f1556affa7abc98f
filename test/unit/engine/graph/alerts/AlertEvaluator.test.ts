import { describe, expect, it } from 'vitest';
import type { AlertRule } from '../../../../../engine/contract/alert.js';
import type { GraphFile } from '../../../../../engine/contract/graphFile.js';
import type { EdgeMetrics, MetricsSnapshot, NodeMetrics } from '../../../../../engine/contract/metrics.js';
import { AlertEvaluator, type AlertTransition } from '../../../../../engine/graph/alerts/AlertEvaluator.js';
import { readAlerts } from '../../../../../engine/graph/alerts/readAlerts.js';

/** A topic t with one subscription e3 (gen → t → out), and the alert rules under test. */
function evaluator(...rules: AlertRule[]): AlertEvaluator {
  const graph: GraphFile = {
    format: 'sluice/graph',
    version: 1,
    name: 'g',
    nodes: [
      { id: 'gen', type: 'source.generator', config: {} },
      { id: 't', type: 'topic', config: {} },
      { id: 'out', type: 'sink.file', config: {} },
    ],
    edges: [
      { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 't', port: 'in' } },
      { id: 'e3', from: { node: 't', port: 'out' }, to: { node: 'out', port: 'in' } },
    ],
    alerts: rules,
  };
  const { alerts, problems } = readAlerts(graph);
  expect(problems).toEqual([]);
  return new AlertEvaluator(alerts);
}

const edge = (over: Partial<EdgeMetrics> = {}): EdgeMetrics => ({
  total: 0,
  rate: 0,
  bytesRate: 0,
  queued: 0,
  capacity: 1024,
  backpressure: 0,
  latencyP50: null,
  latencyP99: null,
  ...over,
});
const node = (over: Partial<NodeMetrics> = {}): NodeMetrics => ({
  in: 0,
  out: 0,
  errors: 0,
  dropped: 0,
  busy: 0,
  watermark: null,
  stateSize: 0,
  status: 'running',
  ...over,
});

/** A frame at time t with e3's lag and the sink's error total. */
function frame(t: number, o: { lag?: number; errors?: number; status?: MetricsSnapshot['run']['status'] } = {}) {
  return {
    t,
    run: {
      status: o.status ?? 'running',
      elapsedMs: t,
      sourceRate: 0,
      checkpoints: { count: 0, lastId: null, lastDurationMs: null, lastBytes: null, lastPauseMs: null },
      restarts: 0,
    },
    nodes: { gen: node(), t: node(), out: node({ errors: o.errors ?? 0 }) },
    edges: { e1: edge(), e3: edge(o.lag === undefined ? {} : { lag: o.lag }) },
  } satisfies MetricsSnapshot;
}

/** Feed lag values one frame every 250 ms from t=0; the transitions as "t kind value". */
function feed(ev: AlertEvaluator, lags: Array<number | undefined>, t0 = 0): string[] {
  return lags.flatMap((lag, i) => ev.observe(frame(t0 + i * 250, lag === undefined ? {} : { lag })).map(show));
}
const show = (t: AlertTransition): string => `${t.at} ${t.kind} ${t.value ?? 'null'}`;

describe('AlertEvaluator', () => {
  it('fires only once the condition has held for forMs, with the SPEC example’s message', () => {
    const ev = evaluator({ when: 'edge e3 lag > 1000', forMs: 1000 });
    const out: AlertTransition[] = [];
    for (const [i, lag] of [0, 1204, 1300, 1400, 1500, 1204, 1600].entries())
      out.push(...ev.observe(frame(i * 250, { lag })));
    // Held from t=250; 250 + 1000 = 1250, the fifth frame after it.
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ kind: 'fired', value: 1204, since: 250, at: 1250 });
    expect(out[0]!.message).toBe('edge e3 lag 1,204 > 1000 for 1 s');
    expect(ev.firing()).toEqual(new Map([['edge e3 lag > 1000', true]]));
  });

  it('fires on the first frame that holds when forMs is 0', () => {
    const ev = evaluator({ when: 'edge e3 lag >= 5' });
    expect(feed(ev, [4, 5, 6])).toEqual(['250 fired 5']);
    expect(ev.observe(frame(750, { lag: 9 }))).toEqual([]);
  });

  it('does not fire on one noisy frame: a frame that does not hold starts the hold again', () => {
    const ev = evaluator({ when: 'edge e3 lag > 1000', forMs: 1000 });
    // Above for 750 ms, one frame below, then above again: the hold restarts at t=1250.
    expect(feed(ev, [2000, 2000, 2000, 2000, 10, 2000, 2000, 2000, 2000])).toEqual([]);
    expect(ev.observe(frame(2250, { lag: 2000 })).map(show)).toEqual(['2250 fired 2000']);
  });

  it('clears on the first frame that does not hold, with how long it fired', () => {
    const ev = evaluator({ when: 'edge e3 lag > 1000' });
    const fired = ev.observe(frame(0, { lag: 5000 }));
    expect(fired.map(show)).toEqual(['0 fired 5000']);
    expect(ev.observe(frame(250, { lag: 3000 }))).toEqual([]);
    const cleared = ev.observe(frame(14_000, { lag: 12 }));
    expect(cleared).toHaveLength(1);
    expect(cleared[0]).toMatchObject({ kind: 'cleared', value: 12, at: 14_000 });
    expect(cleared[0]!.message).toBe('edge e3 lag 12, no longer > 1000 (fired for 14 s)');
    expect(ev.firing().get('edge e3 lag > 1000')).toBe(false);
  });

  it('with clearForMs, clears only after the condition stopped holding that long; one good frame does not clear', () => {
    const ev = evaluator({ when: 'edge e3 lag > 1000', clearForMs: 500 });
    expect(feed(ev, [2000, 10, 2000, 10, 10, 10])).toEqual(['0 fired 2000', '1250 cleared 10']);
  });

  it('can fire again after it cleared, holding forMs anew', () => {
    const ev = evaluator({ when: 'edge e3 lag > 1000', forMs: 500 });
    expect(feed(ev, [2000, 2000, 2000, 10, 2000, 2000, 2000])).toEqual([
      '500 fired 2000',
      '750 cleared 10',
      '1500 fired 2000',
    ]);
  });

  it('keeps a state per alert', () => {
    const ev = evaluator(
      { id: 'soon', when: 'edge e3 lag > 100' },
      { id: 'late', when: 'edge e3 lag > 100', forMs: 500 },
      { id: 'high', when: 'edge e3 lag > 1000' },
    );
    const seen = [150, 150, 150, 2000].flatMap((lag, i) =>
      ev.observe(frame(i * 250, { lag })).map((t) => `${t.at} ${t.alert.id} ${t.kind}`),
    );
    expect(seen).toEqual(['0 soon fired', '500 late fired', '750 high fired']);
    expect(ev.firing()).toEqual(
      new Map([
        ['soon', true],
        ['late', true],
        ['high', true],
      ]),
    );
  });

  it('counts a missing figure as not holding (no lag in the frame)', () => {
    const ev = evaluator({ when: 'edge e3 lag < 10' });
    expect(feed(ev, [undefined, undefined, 3, undefined])).toEqual(['500 fired 3', '750 cleared null']);
  });

  it('turns a node’s error total into errors per second over the last second of frames', () => {
    const ev = evaluator({ when: 'node out errors > 10', forMs: 500 });
    // 5 errors per 250 ms is 20/s; the first frame has no rate yet.
    const totals = [0, 5, 10, 15, 20, 25, 25, 25, 25, 25];
    const out = totals.flatMap((errors, i) => ev.observe(frame(i * 250, { errors })).map(show));
    // The errors stop after t=1250; at 1750 the last second (since 750, total 15) saw 10.
    expect(out).toEqual(['750 fired 20', '1750 cleared 10']);
  });

  it('measures errorsTotal as the total itself', () => {
    const ev = evaluator({ when: 'node out errorsTotal >= 3' });
    expect([0, 1, 3].flatMap((errors, i) => ev.observe(frame(i * 250, { errors })).map(show))).toEqual(['500 fired 3']);
  });

  it('keeps its state across a restart of the run from its last checkpoint', () => {
    const ev = evaluator({ when: 'node out errors > 10', forMs: 500 });
    const seen: string[] = [];
    const step = (t: number, errors: number, status: MetricsSnapshot['run']['status'] = 'running') =>
      seen.push(...ev.observe(frame(t, { errors, status })).map(show));
    step(0, 0);
    step(250, 5);
    step(500, 10);
    // A worker died: the run recovers, frames keep coming with cumulative totals.
    step(750, 15, 'recovering');
    step(1000, 20, 'recovering');
    expect(seen).toEqual(['750 fired 20']);
    step(1250, 25);
    expect(ev.firing().get('node out errors > 10')).toBe(true);
  });

  it('treats a total that went down as a reset, not as a negative rate', () => {
    const ev = evaluator({ when: 'node out errors < 0' }, { id: 'any', when: 'node out errors >= 0' });
    const seen = [100, 200, 0, 50].flatMap((errors, i) =>
      ev.observe(frame(i * 1000, { errors })).map((t) => `${t.at} ${t.alert.id} ${t.kind} ${t.value}`),
    );
    // The drop to 0 gives no rate (not -200/s); the next frame measures from it.
    expect(seen).toEqual(['1000 any fired 100', '2000 any cleared null', '3000 any fired 50']);
  });

  it('starts clean for a new run: a new evaluator has no hold and nothing firing', () => {
    const rule = { when: 'edge e3 lag > 1000', forMs: 500 };
    const first = evaluator(rule);
    feed(first, [2000, 2000, 2000]);
    expect(first.firing().get('edge e3 lag > 1000')).toBe(true);
    const second = evaluator(rule);
    expect(feed(second, [2000, 2000], 10_000)).toEqual([]);
    expect(second.firing().get('edge e3 lag > 1000')).toBe(false);
  });

  it('clears every firing alert when the run ends, saying why, and drops holds in progress', () => {
    const ev = evaluator(
      { id: 'now', when: 'edge e3 lag > 1000' },
      { id: 'held', when: 'edge e3 lag > 1000', forMs: 5000 },
    );
    feed(ev, [5000, 5000]);
    const cleared = ev.end(3000, 'the run finished');
    expect(cleared).toEqual([
      {
        kind: 'cleared',
        alert: expect.objectContaining({ id: 'now' }),
        value: null,
        at: 3000,
        reason: 'the run finished',
        message: 'edge e3 lag > 1000: the run finished (fired for 3 s)',
      },
    ]);
    expect(ev.end(3100, 'the run finished')).toEqual([]);
  });

  it('prints values in the unit the threshold was written in', () => {
    const ev = evaluator({ when: 'edge e3 backpressure > 50%' }, { when: 'edge e3 latencyP99 > 1.5s' });
    const f = frame(0);
    f.edges.e3 = edge({ backpressure: 0.734, latencyP99: 2250 });
    expect(ev.observe(f).map((t) => t.message)).toEqual([
      'edge e3 backpressure 73.4% > 50%',
      'edge e3 latencyP99 2.25 s > 1.5s',
    ]);
  });
});
