import { describe, expect, it } from 'vitest';
import type { GraphFile, MetricsSnapshot, RunEvent } from '../../../../engine/contract/index.js';
import { PrometheusMetrics } from '../../../../engine/host/PrometheusMetrics.js';
import { prometheusSamples, sample } from '../../../integration/prometheusSamples.js';

const graph: GraphFile = {
  format: 'sluice/graph',
  version: 1,
  name: 'Orders "EU"',
  nodes: [
    { id: 'gen', type: 'source.generator', config: {} },
    { id: 'win', type: 'window', config: {} },
  ],
  edges: [{ id: 'e"1', from: { node: 'gen', port: 'out' }, to: { node: 'win', port: 'in' } }],
};
const G = 'Orders "EU"';

function frame(t: number, total: number, over: { p99?: number | null; lag?: number; watermark?: number | null } = {}) {
  return {
    t,
    run: {
      status: 'running',
      elapsedMs: 2500,
      sourceRate: 1200,
      checkpoints: { count: 3, lastId: 7, lastDurationMs: 25, lastBytes: 4096, lastPauseMs: 4 },
      restarts: 1,
    },
    nodes: {
      gen: { in: 0, out: total, errors: 0, dropped: 0, busy: 0.25, watermark: null, stateSize: 0, status: 'running' },
      win: {
        in: total,
        out: 2,
        errors: 5,
        dropped: 1,
        busy: 0.5,
        watermark: over.watermark === undefined ? 1_700_000_000_000 : over.watermark,
        stateSize: 12,
        status: 'running',
      },
    },
    edges: {
      'e"1': {
        total,
        rate: 1200,
        bytesRate: 65536,
        queued: 256,
        capacity: 1024,
        backpressure: 0.75,
        latencyP50: 2,
        latencyP99: over.p99 === undefined ? 40 : over.p99,
        ...(over.lag !== undefined ? { lag: over.lag } : {}),
      },
    },
  } satisfies MetricsSnapshot;
}
const published = (snapshot: MetricsSnapshot): RunEvent => ({ type: 'metricsPublished', runId: 'r', snapshot });

async function scrape(m: PrometheusMetrics) {
  return prometheusSamples(await m.text());
}

describe('PrometheusMetrics', () => {
  it('exports a frame’s edge, node and run figures under Prometheus names, in base units', async () => {
    const m = await PrometheusMetrics.create(graph, []);
    m.observe(published(frame(1000, 5000, { lag: 30 })));
    const s = await scrape(m);
    const edge = { graph: G, edge: 'e"1' };
    expect(sample(s, 'sluice_edge_events_total', edge)).toBe(5000);
    expect(s.get('sluice_edge_events_total')?.type).toBe('COUNTER');
    expect(sample(s, 'sluice_edge_events_per_second', edge)).toBe(1200);
    expect(sample(s, 'sluice_edge_bytes_per_second', edge)).toBe(65536);
    expect(sample(s, 'sluice_edge_queued_events', edge)).toBe(256);
    expect(sample(s, 'sluice_edge_capacity_events', edge)).toBe(1024);
    expect(sample(s, 'sluice_edge_backpressure_ratio', edge)).toBe(0.75);
    expect(sample(s, 'sluice_edge_latency_seconds', { ...edge, quantile: '0.5' })).toBe(0.002);
    expect(sample(s, 'sluice_edge_latency_seconds', { ...edge, quantile: '0.99' })).toBe(0.04);
    expect(sample(s, 'sluice_edge_lag_events', edge)).toBe(30);

    const win = { graph: G, node: 'win', type: 'window' };
    expect(sample(s, 'sluice_node_in_events_total', win)).toBe(5000);
    expect(sample(s, 'sluice_node_out_events_total', win)).toBe(2);
    expect(sample(s, 'sluice_node_errors_total', win)).toBe(5);
    expect(sample(s, 'sluice_node_dropped_events_total', win)).toBe(1);
    expect(s.get('sluice_node_errors_total')?.type).toBe('COUNTER');
    expect(sample(s, 'sluice_node_busy_ratio', win)).toBe(0.5);
    expect(sample(s, 'sluice_node_watermark_timestamp_seconds', win)).toBe(1_700_000_000);
    expect(sample(s, 'sluice_node_state_entries', win)).toBe(12);
    expect(sample(s, 'sluice_node_out_events_total', { graph: G, node: 'gen', type: 'source.generator' })).toBe(5000);

    const run = { graph: G };
    expect(sample(s, 'sluice_run_checkpoints_total', run)).toBe(3);
    expect(sample(s, 'sluice_run_restarts_total', run)).toBe(1);
    expect(sample(s, 'sluice_run_last_checkpoint_id', run)).toBe(7);
    expect(sample(s, 'sluice_run_last_checkpoint_duration_seconds', run)).toBe(0.025);
    expect(sample(s, 'sluice_run_last_checkpoint_bytes', run)).toBe(4096);
    expect(sample(s, 'sluice_run_last_checkpoint_pause_seconds', run)).toBe(0.004);
    expect(sample(s, 'sluice_run_elapsed_seconds', run)).toBe(2.5);
    expect(sample(s, 'sluice_run_source_events_per_second', run)).toBe(1200);
    expect(sample(s, 'sluice_run_status', { graph: G, status: 'running' })).toBe(1);
    expect(sample(s, 'sluice_run_status', { graph: G, status: 'finished' })).toBe(0);
  });

  it('keeps counters equal to the frame’s totals as they grow', async () => {
    const m = await PrometheusMetrics.create(graph, []);
    for (const total of [10, 500, 500, 12_345]) m.observe(published(frame(total, total)));
    expect(sample(await scrape(m), 'sluice_edge_events_total', { graph: G, edge: 'e"1' })).toBe(12_345);
  });

  it('has no series for a figure the frame lacks, rather than a 0 that is not true', async () => {
    const m = await PrometheusMetrics.create(graph, []);
    m.observe(published(frame(1000, 10)));
    m.observe(published(frame(1250, 20, { p99: null, watermark: null })));
    const s = await scrape(m);
    expect(sample(s, 'sluice_edge_latency_seconds', { graph: G, edge: 'e"1', quantile: '0.99' })).toBeUndefined();
    expect(sample(s, 'sluice_edge_latency_seconds', { graph: G, edge: 'e"1', quantile: '0.5' })).toBe(0.002);
    expect(sample(s, 'sluice_edge_lag_events', { graph: G, edge: 'e"1' })).toBeUndefined();
    expect(sample(s, 'sluice_node_watermark_timestamp_seconds', { graph: G, node: 'win', type: 'window' })).toBe(
      undefined,
    );
  });

  it('exports every alert as not firing, then follows alertFired and alertCleared', async () => {
    const m = await PrometheusMetrics.create(graph, ['lag-high', 'edge e"1 rate < 1']);
    const alert = (type: 'alertFired' | 'alertCleared', alertId: string): RunEvent =>
      type === 'alertFired'
        ? { type, runId: 'r', alertId, when: '', subject: { kind: 'run' }, value: 1, since: 0, at: 0, message: '' }
        : { type, runId: 'r', alertId, when: '', subject: { kind: 'run' }, value: 1, at: 0, message: '' };
    let s = await scrape(m);
    expect(sample(s, 'sluice_alert_firing', { graph: G, alert: 'lag-high' })).toBe(0);
    expect(sample(s, 'sluice_alert_firing', { graph: G, alert: 'edge e"1 rate < 1' })).toBe(0);
    m.observe(alert('alertFired', 'lag-high'));
    s = await scrape(m);
    expect(sample(s, 'sluice_alert_firing', { graph: G, alert: 'lag-high' })).toBe(1);
    m.observe(alert('alertCleared', 'lag-high'));
    expect(sample(await scrape(m), 'sluice_alert_firing', { graph: G, alert: 'lag-high' })).toBe(0);
  });

  it('follows the run’s status between frames', async () => {
    const m = await PrometheusMetrics.create(graph, []);
    m.observe(published(frame(1000, 10)));
    m.observe({ type: 'runStatusChanged', runId: 'r', status: 'recovering', reason: 'worker 0 died' });
    const s = await scrape(m);
    expect(sample(s, 'sluice_run_status', { graph: G, status: 'recovering' })).toBe(1);
    expect(sample(s, 'sluice_run_status', { graph: G, status: 'running' })).toBe(0);
  });

  it('gives every family a help text and a name in Prometheus’s conventions', async () => {
    const m = await PrometheusMetrics.create(graph, ['a']);
    m.observe(published(frame(1000, 10, { lag: 1 })));
    const s = await scrape(m);
    // Every family is listed, also one without samples (nothing skipped here).
    expect([...s.keys()].sort()).toEqual([
      'sluice_alert_firing',
      'sluice_edge_backpressure_ratio',
      'sluice_edge_bytes_per_second',
      'sluice_edge_capacity_events',
      'sluice_edge_events_per_second',
      'sluice_edge_events_total',
      'sluice_edge_lag_events',
      'sluice_edge_latency_seconds',
      'sluice_edge_queued_events',
      'sluice_edge_skipped_events_total',
      'sluice_node_busy_ratio',
      'sluice_node_dropped_events_total',
      'sluice_node_errors_total',
      'sluice_node_in_events_total',
      'sluice_node_out_events_total',
      'sluice_node_state_entries',
      'sluice_node_watermark_timestamp_seconds',
      'sluice_run_checkpoints_total',
      'sluice_run_elapsed_seconds',
      'sluice_run_last_checkpoint_bytes',
      'sluice_run_last_checkpoint_duration_seconds',
      'sluice_run_last_checkpoint_id',
      'sluice_run_last_checkpoint_pause_seconds',
      'sluice_run_restarts_total',
      'sluice_run_source_events_per_second',
      'sluice_run_status',
    ]);
    for (const [name, f] of s) {
      expect(name).toMatch(/^sluice_(edge|node|run|alert)_[a-z0-9_]+$/);
      expect(f.help).not.toBe('');
      if (f.type === 'COUNTER') expect(name).toMatch(/_total$/);
      else expect(name).not.toMatch(/_total$/);
    }
  });
});
