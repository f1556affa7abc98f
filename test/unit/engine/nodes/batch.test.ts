import { describe, expect, it } from 'vitest';
import { batch } from '../../../../engine/nodes/batch.js';
import { Harness, ev } from './harness.js';

describe('batch', () => {
  it('emits the values as one array once size events are buffered', () => {
    const h = new Harness(batch, { size: 3, maxDelayMs: 1000 });
    h.push([ev(1, { id: 'a', time: 10, emittedAt: 5 }), ev(2, { time: 11 }), ev(3, { time: 12, emittedAt: 9 })]);
    expect(h.out.on('out')).toEqual([{ id: 'a+3', key: 'k', time: 12, value: [1, 2, 3], emittedAt: 5 }]);
  });

  it('emits a partial batch maxDelayMs after its first event', () => {
    const h = new Harness(batch, { size: 10, maxDelayMs: 100 });
    h.push(ev(1));
    h.advance(60).push(ev(2));
    h.advance(39);
    expect(h.out.on('out')).toEqual([]);
    h.advance(1);
    expect(h.out.values()).toEqual([[1, 2]]);
  });

  it('ignores a timer left over from a batch already emitted by size', () => {
    const h = new Harness(batch, { size: 2, maxDelayMs: 100 });
    h.push([ev(1), ev(2)]);
    h.push(ev(3));
    h.ctx.timer = h.ctx.clock; // the first batch's deadline
    h.op.onTimer!(h.ctx.clock, h.out);
    expect(h.out.values()).toEqual([[1, 2]]);
  });

  it('uses the shared key, or null when keys differ', () => {
    const h = new Harness(batch, { size: 2 });
    h.push([ev(1, { key: 'a' }), ev(2, { key: 'a' }), ev(3, { key: 'a' }), ev(4, { key: 'b' })]);
    expect(h.out.on('out').map((e) => e.key)).toEqual(['a', null]);
  });

  it('flushes what is buffered at the end of input', () => {
    const h = new Harness(batch, { size: 5 });
    h.push([ev(1), ev(2)]).end();
    expect(h.out.values()).toEqual([[1, 2]]);
  });

  it('keeps buffered events in its snapshot', () => {
    const a = new Harness(batch, { size: 3 });
    a.push([ev(1, { id: 'x' }), ev(2)]);
    const b = new Harness(batch, { size: 3 });
    b.op.restore!(JSON.parse(JSON.stringify(a.op.snapshot!(1))));
    expect(b.op.stateSize!()).toBe(2);
    b.push(ev(3));
    expect(b.out.on('out').map((e) => [e.id, e.value])).toEqual([['x+3', [1, 2, 3]]]);
  });
});

describe('batch and watermarks', () => {
  it('holds the watermark it forwards at the oldest event it holds, so its batches are not late downstream', () => {
    const h = new Harness(batch, { size: 3, maxDelayMs: 1000 });
    expect(h.watermark(100)).toBe(100);
    h.push([ev(1, { time: 40 }), ev(2, { time: 30 })]);
    expect(h.watermark(200)).toBe(30);
    h.push(ev(3, { time: 50 })); // the batch of 3 goes out
    expect(h.watermark(200)).toBe(200);
  });
});
