import { describe, expect, it } from 'vitest';
import { aggregate } from '../../../../engine/nodes/aggregate.js';
import { Harness, ev } from './harness.js';
import { decodeState, encodeState, encodeStateInSlices } from '../../../../engine/store/stateCodec.js';

describe('aggregate', () => {
  it('counts per key and emits { key, op, value, count } after every input at the input time', () => {
    const h = new Harness(aggregate, { op: 'count' });
    h.push([ev('x', { key: 'a', time: 1, id: 'i1' }), ev('y', { key: 'b', time: 2 }), ev('z', { key: 'a', time: 3 })]);
    expect(h.out.values()).toEqual([
      { key: 'a', op: 'count', value: 1, count: 1 },
      { key: 'b', op: 'count', value: 1, count: 1 },
      { key: 'a', op: 'count', value: 2, count: 2 },
    ]);
    expect(h.out.on('out').map((e) => [e.id, e.key, e.time])).toEqual([
      ['i1', 'a', 1],
      [expect.any(String), 'b', 2],
      [expect.any(String), 'a', 3],
    ]);
  });

  it.each([
    ['sum', 9],
    ['avg', 3],
    ['min', 1],
    ['max', 5],
  ])('computes a running %s of the field expression', (op, expected) => {
    const h = new Harness(aggregate, { op, field: 'value.amount' });
    h.push([ev({ amount: 3 }), ev({ amount: 1 }), ev({ amount: 5 })]);
    expect(h.out.values().at(-1)).toEqual({ key: 'k', op, value: expected, count: 3 });
  });

  it('aggregates the value itself when no field is given', () => {
    const h = new Harness(aggregate, { op: 'sum' });
    h.push([ev(2), ev('3')]);
    expect(h.out.values().at(-1)).toMatchObject({ value: 5 });
  });

  it('sends an event whose field is not a number to error handling and keeps the state', () => {
    const h = new Harness(aggregate, { op: 'sum', field: 'value.n' });
    h.push([ev({ n: 1 }), ev({ n: 'abc' }), ev({ n: 2 })]);
    expect(h.out.values().map((v) => (v as { value: number }).value)).toEqual([1, 3]);
    expect(h.ctx.deadLetters[0]?.error).toMatch(/not a number/);
    expect(h.ctx.errors).toBe(1);
  });

  it('snapshots per-key state and continues from it after restore', () => {
    const a = new Harness(aggregate, { op: 'avg' });
    a.push([ev(2, { key: 'a' }), ev(4, { key: null })]);
    const state = JSON.parse(JSON.stringify(a.op.snapshot!(1)));
    const b = new Harness(aggregate, { op: 'avg' });
    b.op.restore!(state);
    expect(b.op.stateSize!()).toBe(2);
    b.push([ev(6, { key: 'a' }), ev(0, { key: null })]);
    expect(b.out.values()).toEqual([
      { key: 'a', op: 'avg', value: 4, count: 2 },
      { key: null, op: 'avg', value: 2, count: 2 },
    ]);
  });
});

describe('aggregate snapshots', () => {
  it('restores a snapshot of the first format ([[key, accumulator], …])', () => {
    const h = new Harness(aggregate, { op: 'sum' });
    h.op.restore!({ keys: [['k1', { count: 2, sum: 10, min: 4, max: 6 }]] });
    h.push([{ id: 'x', key: 'k1', time: 0, value: 5, emittedAt: 0 }]);
    expect(h.out.values()).toEqual([{ key: 'k1', op: 'sum', value: 15, count: 3 }]);
  });
});

describe('aggregate snapshots per op', () => {
  for (const op of ['count', 'sum', 'min', 'max'] as const) {
    it(`round-trips the columns a ${op} aggregate needs and continues exactly`, () => {
      const a = new Harness(aggregate, { op });
      a.push([ev(5, { key: 'a' }), ev(3, { key: 'a' }), ev(7, { key: 'b' })]);
      const state = JSON.parse(JSON.stringify(a.op.snapshot!(1)));
      const b = new Harness(aggregate, { op });
      b.op.restore!(state);
      b.push([ev(1, { key: 'a' })]);
      a.push([ev(1, { key: 'a' })]);
      expect(b.out.values()).toEqual(a.out.values().slice(-1));
    });
  }
});

describe('aggregate snapshots written in slices', () => {
  it('encodes the state as of the barrier while events after it change and add keys', () => {
    const keys = 10_000; // several slices
    const a = new Harness(aggregate, { op: 'min', field: 'value' });
    for (let k = 0; k < keys; k++) a.push([ev(k, { key: `k${k}` })]);
    const snap = a.op.snapshot!(1);
    const steps = encodeStateInSlices(snap);
    // After the barrier, between slices: every key changes, and new keys arrive.
    let step = steps.next();
    let k = 0;
    while (!step.done) {
      for (let j = 0; j < 1000; j++, k++) a.push([ev(-1, { key: `k${k % keys}` }), ev(7, { key: `new${k}` })]);
      step = steps.next();
    }
    const decoded = decodeState(step.value) as { columns: Record<string, unknown[]> };
    expect(decoded.columns['keys']).toHaveLength(keys);
    expect(decoded.columns['count']!.every((c) => c === 1)).toBe(true);
    expect(decoded.columns['min']!.slice(0, 3)).toEqual([0, 1, 2]);
    expect(Object.keys(decoded.columns)).toEqual(['keys', 'count', 'sum', 'min', 'max']);
    // The same bytes as encoding the plain columns at once.
    const b = new Harness(aggregate, { op: 'min', field: 'value' });
    for (let i = 0; i < keys; i++) b.push([ev(i, { key: `k${i}` })]);
    expect(Buffer.from(step.value).toString()).toBe(
      Buffer.from(encodeState(JSON.parse(JSON.stringify(b.op.snapshot!(1))))).toString(),
    );
    // The next snapshot sees the changes and the new keys.
    const next = JSON.parse(JSON.stringify(a.op.snapshot!(2))) as { columns: { keys: unknown[]; count: number[] } };
    expect(next.columns.keys.length).toBeGreaterThan(keys);
    expect(next.columns.count[0]).toBeGreaterThan(1);
  });

  it('snapshots an empty state (a checkpoint before the first event) and goes on after it', () => {
    const a = new Harness(aggregate, { op: 'count' });
    const empty = a.op.snapshot!(1);
    expect(decodeState(encodeState(JSON.parse(JSON.stringify(empty))))).toEqual({ columns: { keys: [], count: [] } });
    a.push([ev(1, { key: 'k0' })]);
    const next = JSON.parse(JSON.stringify(a.op.snapshot!(2))) as { columns: { keys: unknown[]; count: number[] } };
    expect(next.columns).toEqual({ keys: ['k0'], count: [1] });
  });

  it('writes an unfinished snapshot at once when the next barrier comes first', () => {
    const a = new Harness(aggregate, { op: 'count' });
    for (let k = 0; k < 5000; k++) a.push([ev(1, { key: `k${k}` })]);
    const first = a.op.snapshot!(1);
    a.push([ev(1, { key: 'k0' })]);
    const second = a.op.snapshot!(2);
    a.push([ev(1, { key: 'k0' })]);
    const one = JSON.parse(JSON.stringify(first)) as { columns: { count: number[] } };
    const two = JSON.parse(JSON.stringify(second)) as { columns: { count: number[] } };
    expect([one.columns.count[0], two.columns.count[0]]).toEqual([1, 2]);
  });
});
