import { describe, expect, it } from 'vitest';
import { filter } from '../../../../engine/nodes/filter.js';
import { Harness, ev } from './harness.js';

describe('filter', () => {
  it('passes events whose predicate is truthy, unchanged, and drops the rest', () => {
    const h = new Harness(filter, { predicate: 'value > 1 && key !== "skip"' });
    const keep = ev(2);
    h.push([ev(1), keep, ev(3, { key: 'skip' })]);
    expect(h.out.on('out')).toEqual([keep]);
    expect(h.out.on('out')[0]).toBe(keep);
    // What it did not pass is its "drop" figure.
    expect(h.ctx.dropped).toBe(2);
  });

  it('routes a throwing predicate to dead letters and keeps going', () => {
    const h = new Harness(filter, { predicate: 'value.x.y' });
    h.push([ev(null), ev({ x: { y: true } })]);
    expect(h.out.on('out')).toHaveLength(1);
    expect(h.ctx.deadLetters).toHaveLength(1);
    expect(h.ctx.errors).toBe(1);
  });
});
