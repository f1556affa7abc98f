import { describe, expect, it } from 'vitest';
import { generator } from '../../../../engine/nodes/generator.js';
import { SourceHarness } from './harness.js';

describe('source.generator', () => {
  it('emits event i with id <node>-i, key k(i % keys), value { seq: i } and the clock as time', () => {
    const h = new SourceHarness(generator, { count: 3, keys: 2 }, { nodeId: 'gen', now: 5000 });
    expect(h.poll(10)).toBe('end');
    expect(h.out.on('out')).toEqual([
      { id: 'gen-0', key: 'k0', time: 5000, value: { seq: 0 }, emittedAt: 5000 },
      { id: 'gen-1', key: 'k1', time: 5000, value: { seq: 1 }, emittedAt: 5000 },
      { id: 'gen-2', key: 'k0', time: 5000, value: { seq: 2 }, emittedAt: 5000 },
    ]);
  });

  it('uses ten keys by default', () => {
    const h = new SourceHarness(generator, { count: 12 });
    h.drain();
    expect(new Set(h.out.on('out').map((e) => e.key)).size).toBe(10);
  });

  it('emits no more than the budget per poll and says more until count is reached', () => {
    const h = new SourceHarness(generator, { count: 5 });
    expect(h.poll(2)).toBe('more');
    expect(h.out.on('out')).toHaveLength(2);
    expect(h.poll(2)).toBe('more');
    expect(h.poll(2)).toBe('end');
    expect(h.out.on('out')).toHaveLength(5);
    expect(h.poll(2)).toBe('end');
    expect(h.out.on('out')).toHaveLength(5);
  });

  it('never ends without a count', () => {
    const h = new SourceHarness(generator, {});
    for (let i = 0; i < 50; i++) expect(h.poll(100)).toBe('more');
    expect(h.out.on('out')).toHaveLength(5000);
  });

  it('computes value and time from expressions over i', () => {
    const h = new SourceHarness(generator, {
      count: 2,
      valueExpression: '{ amount: i * 10 }',
      timeExpression: '1000 + i',
    });
    h.drain();
    expect(h.out.on('out').map((e) => [e.value, e.time])).toEqual([
      [{ amount: 0 }, 1000],
      [{ amount: 10 }, 1001],
    ]);
  });

  it('dead-letters an index whose expression throws and goes on', () => {
    const h = new SourceHarness(generator, { count: 3, valueExpression: 'i === 1 ? null.x : i' });
    h.drain();
    expect(h.out.values()).toEqual([0, 2]);
    expect(h.ctx.errors).toBe(1);
    expect(h.ctx.deadLetters).toHaveLength(1);
    expect(h.ctx.deadLetters[0]?.event.id).toBe('n1-1');
  });

  it('paces output to ratePerSec and goes idle with a timer when out of tokens', () => {
    const h = new SourceHarness(generator, { ratePerSec: 100 });
    expect(h.poll(1000)).toBe('more');
    expect(h.out.on('out')).toHaveLength(1);
    expect(h.poll(1000)).toBe('idle');
    expect(h.ctx.timer).not.toBeNull();
    expect(h.ctx.timer! - h.ctx.clock).toBe(10);
    // Over one simulated second the rate holds within the burst (2 ms worth, at least 1 event).
    let polls = 0;
    for (let t = 0; t < 1000; t += 10) {
      h.advance(10);
      h.poll(1000);
      polls++;
    }
    const n = h.out.on('out').length;
    expect(polls).toBe(100);
    expect(n).toBeGreaterThanOrEqual(95);
    expect(n).toBeLessThanOrEqual(106);
  });

  it('snapshots its next index and resumes from it after restore', () => {
    const a = new SourceHarness(generator, { count: 10 });
    a.poll(4);
    const state = a.op.snapshot(1);
    expect(state).toEqual({ next: 4 });
    const b = new SourceHarness(generator, { count: 10 });
    b.op.restore(state);
    b.drain();
    expect(b.out.on('out').map((e) => e.id)).toEqual(['n1-4', 'n1-5', 'n1-6', 'n1-7', 'n1-8', 'n1-9']);
  });

  it('has one output port, no inputs, and parallelism 1', () => {
    expect(generator.ports({})).toEqual({ inputs: [], outputs: ['out'] });
    expect(generator.maxParallelism).toBe(1);
  });

  it('rejects a non-positive rate in check', () => {
    expect(generator.check!({ ratePerSec: 0 })).toHaveLength(1);
    expect(generator.check!({ ratePerSec: 5 })).toEqual([]);
  });
});
