import { describe, expect, it } from 'vitest';
import { CHART_FLUSH_MS, sinkChart } from '../../../../engine/nodes/sinkChart.js';
import { nodeRegistry } from '../../../../engine/nodes/registry.js';
import { Harness, ev } from './harness.js';

/** The points of every chart batch the operator logged, in order. */
function batches(h: Harness): Array<Array<[number, number]>> {
  return h.ctx.logs.map((l) => {
    expect(l.level).toBe('info');
    return (JSON.parse(l.message) as { chart: Array<[number, number]> }).chart;
  });
}

describe('sink.chart', () => {
  it('is registered as a sink with only an error port', () => {
    expect(nodeRegistry.get('sink.chart')).toBe(sinkChart);
    expect(sinkChart.category).toBe('sink');
    expect(sinkChart.ports({})).toEqual({ inputs: ['in'], outputs: ['error'] });
  });

  it('plots event time against the expression, sent as one batch per 250 ms and emitting nothing', () => {
    const h = new Harness(sinkChart, { expression: 'value.amount * 2' });
    h.push([ev({ amount: 1 }, { time: 10 }), ev({ amount: 2.5 }, { time: 20 })]);
    expect(h.ctx.logs).toEqual([]);
    expect(h.ctx.timer).toBe(h.ctx.clock + CHART_FLUSH_MS);
    h.push(ev({ amount: 4 }, { time: 30 }));
    expect(h.ctx.timersSet).toHaveLength(1);
    h.advance(CHART_FLUSH_MS);
    expect(batches(h)).toEqual([
      [
        [10, 2],
        [20, 5],
        [30, 8],
      ],
    ]);
    expect(h.out.emitted).toEqual([]);
  });

  it('plots the value itself by default and accepts numeric strings', () => {
    const h = new Harness(sinkChart, {});
    h.push([ev(3, { time: 1 }), ev('4.5', { time: 2 })]).advance(CHART_FLUSH_MS);
    expect(batches(h)).toEqual([
      [
        [1, 3],
        [2, 4.5],
      ],
    ]);
  });

  it('logs nothing while no points arrive and arms a new timer for the next batch', () => {
    const h = new Harness(sinkChart, {});
    h.push(ev(1, { time: 1 }))
      .advance(CHART_FLUSH_MS)
      .advance(CHART_FLUSH_MS * 4);
    expect(h.ctx.logs).toHaveLength(1);
    h.push(ev(2, { time: 2 }));
    expect(h.ctx.timersSet).toHaveLength(2);
    h.advance(CHART_FLUSH_MS);
    expect(batches(h)).toEqual([[[1, 1]], [[2, 2]]]);
  });

  it('keeps only the newest maxPoints of a burst', () => {
    const h = new Harness(sinkChart, { maxPoints: 5 });
    for (let i = 0; i < 1000; i++) h.push(ev(i, { time: i }));
    h.advance(CHART_FLUSH_MS);
    expect(batches(h)).toEqual([
      [
        [995, 995],
        [996, 996],
        [997, 997],
        [998, 998],
        [999, 999],
      ],
    ]);
  });

  it('skips non-numeric results as dropped and dead-letters an expression that throws', () => {
    const h = new Harness(sinkChart, { expression: 'value.n.x' });
    h.push([ev({ n: { x: 'abc' } }), ev({ n: { x: null } }), ev({})]).advance(CHART_FLUSH_MS);
    expect(h.ctx.logs).toEqual([]);
    expect(h.ctx.dropped).toBe(2);
    expect(h.ctx.errors).toBe(1);
    expect(h.ctx.deadLetters).toHaveLength(1);
  });

  it('flushes what it holds when the input ends', () => {
    const h = new Harness(sinkChart, {});
    h.push(ev(7, { time: 70 })).end();
    expect(batches(h)).toEqual([[[70, 7]]]);
  });
});
