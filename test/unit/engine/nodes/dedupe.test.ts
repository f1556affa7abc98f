import { describe, expect, it } from 'vitest';
import { dedupe } from '../../../../engine/nodes/dedupe.js';
import { Harness, ev } from './harness.js';

describe('dedupe', () => {
  it('drops an event whose event id was already seen', () => {
    const h = new Harness(dedupe, {});
    h.push([ev(1, { id: 'a' }), ev(2, { id: 'b' }), ev(3, { id: 'a' })]);
    expect(h.out.values()).toEqual([1, 2]);
  });

  it('uses the id expression when given', () => {
    const h = new Harness(dedupe, { idExpression: 'value.order' });
    h.push([ev({ order: 7 }), ev({ order: 8 }), ev({ order: 7 })]);
    expect(h.out.values()).toEqual([{ order: 7 }, { order: 8 }]);
  });

  it('forgets ids ttlMs after they were first seen', () => {
    const h = new Harness(dedupe, { ttlMs: 100 });
    h.push(ev(1, { id: 'a' }));
    h.advance(50).push(ev(2, { id: 'a' }));
    h.advance(60).push(ev(3, { id: 'a' }));
    expect(h.out.values()).toEqual([1, 3]);
  });

  it('keeps at most maxIds ids, forgetting the oldest', () => {
    const h = new Harness(dedupe, { maxIds: 2 });
    h.push([ev(1, { id: 'a' }), ev(2, { id: 'b' }), ev(3, { id: 'c' }), ev(4, { id: 'a' }), ev(5, { id: 'c' })]);
    expect(h.out.values()).toEqual([1, 2, 3, 4]);
    expect(h.op.stateSize!()).toBe(2);
  });

  it('restores seen ids from a snapshot', () => {
    const a = new Harness(dedupe, {});
    a.push([ev(1, { id: 'a' }), ev(2, { id: 'b' })]);
    const b = new Harness(dedupe, {});
    b.op.restore!(JSON.parse(JSON.stringify(a.op.snapshot!(1))));
    b.push([ev(3, { id: 'b' }), ev(4, { id: 'c' })]);
    expect(b.out.values()).toEqual([4]);
  });

  it('sends an event whose id expression throws to error handling', () => {
    const h = new Harness(dedupe, { idExpression: 'value.a.b' });
    h.push(ev(null));
    expect(h.ctx.deadLetters).toHaveLength(1);
    expect(h.ctx.errors).toBe(1);
  });

  it('warns when nothing bounds the seen ids', () => {
    expect(dedupe.check!({ idExpression: 'event.id' })[0]?.severity).toBe('warning');
    expect(dedupe.check!({ maxIds: 10 })).toEqual([]);
  });
});
