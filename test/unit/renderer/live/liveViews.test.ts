import { describe, expect, it } from 'vitest';
import type { EdgeMetrics, NodeMetrics } from '../../../../engine/contract/metrics.js';
import {
  edgeLabelText,
  edgeLabelView,
  edgeWatermarkText,
  isFinal,
  nodeBadgeText,
  nodeBadgeView,
} from '../../../../renderer/live/liveViews.js';

const edge = (over: Partial<EdgeMetrics> = {}): EdgeMetrics => ({
  total: 12_345,
  rate: 402,
  bytesRate: 1000,
  queued: 12,
  capacity: 1024,
  backpressure: 0,
  latencyP50: 1,
  latencyP99: 2,
  ...over,
});
const node = (over: Partial<NodeMetrics> = {}): NodeMetrics => ({
  in: 1234,
  out: 1200,
  errors: 0,
  dropped: 0,
  busy: 0.347,
  watermark: null,
  stateSize: 0,
  status: 'running',
  ...over,
});

describe('edge label view', () => {
  it('shows the rate to two digits, queued over capacity, and the total only when final', () => {
    const live = edgeLabelView(edge(), false);
    expect(live).toEqual({ rate: '400/s', queue: '12/1.0k', lag: '', level: 'calm', flowing: true, total: '' });
    expect(edgeLabelView(edge(), true).total).toBe('12345');
    expect(edgeLabelText(live)).toBe('400/s, 12 of 1.0k queued, calm');
  });

  it('carries lag on topic subscriptions and the pressure level', () => {
    const v = edgeLabelView(edge({ lag: 3400, backpressure: 0.7 }), false);
    expect(v.lag).toBe('lag 3.4k');
    expect(v.level).toBe('blocked');
    expect(edgeLabelText(v)).toBe('400/s, 12 of 1.0k queued, lag 3.4k, blocked');
    expect(edgeLabelView(edge({ rate: 0, queued: 0 }), false)).toMatchObject({ level: 'idle', flowing: false });
  });
});

describe('edge event time', () => {
  it('shows the watermark and how far it trails the newest event time, not the wall clock', () => {
    const wm = Date.UTC(2023, 10, 14, 22, 13, 20);
    expect(edgeWatermarkText(edge())).toBe('');
    const text = edgeWatermarkText(edge({ watermark: wm, newestTime: wm + 500, idle: false }));
    expect(text).toMatch(/^\S+ · 500 ms behind the newest event$/);
    expect(edgeWatermarkText(edge({ watermark: Number.POSITIVE_INFINITY }))).toBe('end of input');
  });

  it('marks an idle producer on the label and in the card', () => {
    const v = edgeLabelView(edge({ watermark: 5, idle: true }), false);
    expect(v.lag).toBe('wm idle');
    expect(edgeLabelText(v)).toBe('400/s, 12 of 1.0k queued, wm idle, calm');
    expect(edgeWatermarkText(edge({ watermark: 5, idle: true }))).toMatch(/ · idle$/);
  });
});

describe('node badge view', () => {
  it('counts late events of an event-time node', () => {
    const v = nodeBadgeView(node({ late: 1234, watermark: 10 }), true, false);
    expect(v.late).toBe('1.2k late');
    expect(nodeBadgeText(v)).toMatch(/, 1\.2k late$/);
    expect(nodeBadgeView(node(), true, false).late).toBe('');
  });

  it('rounds busy to 5 % steps and keeps exact counts for the end of the run', () => {
    const v = nodeBadgeView(node(), false, false);
    expect(v).toMatchObject({
      in: '1.2k',
      out: '1.2k',
      busy: 35,
      hasErrors: false,
      state: '',
      watermark: '',
      exact: null,
    });
    expect(nodeBadgeView(node(), false, true).exact).toEqual({ in: 1234, out: 1200, errors: 0, dropped: 0 });
    expect(nodeBadgeText(v)).toBe('in 1.2k, out 1.2k, 0 errors, 0 dropped, 35% busy');
  });

  it('flags errors and drops, says failed, and shows how far a window watermark trails the newest event time', () => {
    // Event times of 2023, watched years later: the lag is against the newest event, not the clock.
    const t = Date.UTC(2023, 0, 1, 12, 0, 10);
    const v = nodeBadgeView(
      node({ errors: 50, dropped: 3, status: 'failed', stateSize: 20_000, watermark: t - 2500, eventTime: t }),
      true,
      false,
    );
    expect(v).toMatchObject({ hasErrors: true, hasDropped: true, errors: '50', state: '20k', status: 'failed' });
    expect(v.watermark).toMatch(/ · 2\.5 s behind newest$/);
    expect(nodeBadgeText(v)).toMatch(
      /^failed, in 1\.2k, .*50 errors, 3 dropped, .*state 20k, watermark .* behind newest$/,
    );
    expect(nodeBadgeView(node(), true, false).watermark).toBe('none yet');
    // Without the newest event time there is no lag figure at all, never one against the wall clock.
    expect(nodeBadgeView(node({ watermark: t }), true, false).watermark).not.toMatch(/behind/);
  });

  it('knows which run statuses are final', () => {
    expect(['finished', 'stopped', 'failed'].every((s) => isFinal(s as never))).toBe(true);
    expect(['running', 'recovering', 'starting', null].some((s) => isFinal(s as never))).toBe(false);
  });

  it('a label of a run that is over says what crossed the edge in all, with no pressure and no flow', () => {
    const m = {
      total: 20_000,
      rate: 900,
      bytesRate: 0,
      queued: 60,
      capacity: 64,
      backpressure: 0.9,
      latencyP50: 1,
      latencyP99: 1,
    };
    expect(edgeLabelView(m, true)).toMatchObject({ rate: '20k in all', level: 'idle', flowing: false, total: '20000' });
    expect(edgeLabelView(m, false)).toMatchObject({ level: 'blocked', flowing: true, total: '' });
  });
});
