import { describe, expect, it } from 'vitest';
import { sinkNotify } from '../../../../engine/nodes/sinkNotify.js';
import { Harness } from './harness.js';

const ev = (i: number) => ({ id: `e${i}`, key: 'card-1', time: i, value: { amount: i * 10 }, emittedAt: 0 });

describe('sink.notify', () => {
  it('asks for one notification per event with the title and the message expression', () => {
    const h = new Harness(sinkNotify, {
      title: 'Fraud',
      bodyExpression: '"Card " + key + " spent " + value.amount',
      minIntervalMs: 0,
    });
    h.push([ev(1), ev(2)]);
    expect(h.ctx.io.notifications).toEqual([
      { title: 'Fraud', body: 'Card card-1 spent 10' },
      { title: 'Fraud', body: 'Card card-1 spent 20' },
    ]);
  });

  it('shows the value as JSON without a message expression', () => {
    const h = new Harness(sinkNotify, { minIntervalMs: 0 });
    h.push([ev(3)]);
    expect(h.ctx.io.notifications).toEqual([{ title: 'Sluice', body: '{"amount":30}' }]);
  });

  it('drops and counts events that come within the interval of the last notification', () => {
    const h = new Harness(sinkNotify, { minIntervalMs: 1000 });
    h.push([ev(1), ev(2), ev(3)]);
    expect(h.ctx.io.notifications).toHaveLength(1);
    expect(h.ctx.dropped).toBe(2);
    h.advance(1000);
    h.push([ev(4)]);
    expect(h.ctx.io.notifications).toHaveLength(2);
  });

  it('sends an event whose message throws to the dead letters and goes on', () => {
    const h = new Harness(sinkNotify, { bodyExpression: 'value.nope.deeper', minIntervalMs: 0 });
    h.push([ev(1)]);
    expect(h.ctx.io.notifications).toHaveLength(0);
    expect(h.ctx.deadLetters).toHaveLength(1);
  });
});
