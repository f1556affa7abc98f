import { describe, expect, it } from 'vitest';
import { throttle } from '../../../../engine/nodes/throttle.js';
import { Harness, ev } from './harness.js';

const events = (n: number) => Array.from({ length: n }, (_, i) => ev(i, { id: `e${i}` }));

describe('throttle', () => {
  it('in drop mode lets a burst of one second through and drops and counts the rest', () => {
    const h = new Harness(throttle, { ratePerSec: 5, mode: 'drop' });
    h.push(events(8));
    expect(h.out.values()).toEqual([0, 1, 2, 3, 4]);
    expect(h.ctx.dropped).toBe(3);
  });

  it('refills tokens over time at ratePerSec', () => {
    const h = new Harness(throttle, { ratePerSec: 10, mode: 'drop' });
    h.push(events(10));
    h.advance(250).push(events(5));
    expect(h.out.on('out')).toHaveLength(12);
    expect(h.ctx.dropped).toBe(3);
  });

  it('bursts at least one token when the rate is below one per second', () => {
    const h = new Harness(throttle, { ratePerSec: 0.5, mode: 'drop' });
    h.push(events(2));
    expect(h.out.on('out')).toHaveLength(1);
  });

  it('in delay mode holds an event without a token, pauses input until the next token and emits it on the timer', () => {
    const h = new Harness(throttle, { ratePerSec: 2, mode: 'delay' });
    h.push(events(3));
    expect(h.out.values()).toEqual([0, 1]);
    expect(h.ctx.pauses.at(-1)).toBe(h.ctx.clock + 500);
    expect(h.ctx.timer).toBe(h.ctx.clock + 500);
    // Held events keep the node pending, so the run cannot end before they are out.
    expect(h.op.hasPending!()).toBe(true);
    h.advance(499);
    expect(h.out.values()).toEqual([0, 1]);
    h.advance(1);
    expect(h.out.values()).toEqual([0, 1, 2]);
    expect(h.ctx.dropped).toBe(0);
  });

  it('in delay mode releases held events through pump within the credit and the tokens', () => {
    const h = new Harness(throttle, { ratePerSec: 1, mode: 'delay' });
    h.push(events(3));
    expect(h.out.on('out')).toHaveLength(1);
    h.ctx.clock += 5000;
    expect(h.op.hasPending!()).toBe(true);
    h.op.pump!(h.out, () => 1);
    expect(h.out.values()).toEqual([0, 1]);
    h.op.pump!(h.out, () => 10);
    expect(h.out.values()).toEqual([0, 1]);
    expect(h.op.hasPending!()).toBe(true);
    h.ctx.clock += 1000;
    h.op.pump!(h.out, () => 10);
    expect(h.out.values()).toEqual([0, 1, 2]);
    expect(h.op.hasPending!()).toBe(false);
  });

  it('keeps held events in its snapshot and lets them out after restore', () => {
    const a = new Harness(throttle, { ratePerSec: 1 });
    a.push(events(3));
    const state = JSON.parse(JSON.stringify(a.op.snapshot!(1)));
    expect((state as { held: unknown[] }).held).toHaveLength(2);
    const b = new Harness(throttle, { ratePerSec: 1 });
    b.op.restore!(state);
    b.advance(0);
    expect(b.out.values()).toEqual([1]);
    b.advance(1000);
    expect(b.out.values()).toEqual([1, 2]);
  });

  it('requires a positive rate', () => {
    expect(throttle.check!({ ratePerSec: 0 })).toHaveLength(1);
    expect(throttle.check!({ ratePerSec: 3 })).toEqual([]);
  });
});

describe('throttle after restore', () => {
  it('keeps new events behind restored held ones', () => {
    const b = new Harness(throttle, { ratePerSec: 10 });
    b.op.restore!({ held: [ev('old', { id: 'o' })] });
    b.push(ev('new'));
    expect(b.out.values()).toEqual(['old', 'new']);
  });
});
