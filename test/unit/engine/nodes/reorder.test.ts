import { describe, expect, it } from 'vitest';
import type { SluiceEvent } from '../../../../engine/contract/event.js';
import { UserError } from '../../../../engine/contract/operator.js';
import { reorder } from '../../../../engine/nodes/reorder.js';
import { Harness, ev } from './harness.js';

const at = (time: number, key = 'a', id?: string) => ev({ t: time }, { time, key, id: id ?? `${key}@${time}` });
const times = (es: SluiceEvent[]) => es.map((e) => e.time);

/** A seeded stream: times rising by 0..9 ms, each shifted back by up to `disorder` ms. */
function shuffled(n: number, disorder: number, seed = 7): SluiceEvent[] {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const out: SluiceEvent[] = [];
  let t = 1000;
  for (let i = 0; i < n; i++) {
    t += Math.floor(rnd() * 10);
    out.push(at(t - Math.floor(rnd() * disorder), `k${i % 3}`, `e${i}`));
  }
  return out;
}

describe('reorder', () => {
  it('emits out-of-order events sorted by time once the watermark passes them', () => {
    const h = new Harness(reorder, { watermarkDelayMs: 5 });
    h.push([at(10), at(7), at(12)]);
    // watermark 12 − 5 = 7: only 7 may go
    expect(times(h.out.on('out'))).toEqual([7]);
    h.push(at(20));
    expect(times(h.out.on('out'))).toEqual([7, 10, 12]);
    h.end();
    expect(times(h.out.on('out'))).toEqual([7, 10, 12, 20]);
    expect(h.out.on('late')).toEqual([]);
  });

  it('keeps arrival order among events of the same time', () => {
    const h = new Harness(reorder, { watermarkDelayMs: 10 });
    h.push([at(5, 'a', 'first'), at(3), at(5, 'b', 'second'), at(5, 'a', 'third')]).end();
    expect(h.out.on('out').map((e) => e.id)).toEqual(['a@3', 'first', 'second', 'third']);
  });

  it('sends events older than the watermark to late, unchanged, and counts them', () => {
    const h = new Harness(reorder, { watermarkDelayMs: 2 });
    const late = at(4);
    h.push([at(10), late, at(8)]);
    expect(h.out.on('late')).toEqual([late]);
    expect(h.out.on('late')[0]).toBe(late);
    expect(h.ctx.late).toBe(1);
    h.end();
    expect(times(h.out.on('out'))).toEqual([8, 10]);
  });

  it('matches a stable sort when the delay covers the disorder (expected output from Array.sort)', () => {
    const input = shuffled(2000, 50);
    const h = new Harness(reorder, { watermarkDelayMs: 50 });
    h.push(input).end();
    const expected = [...input].sort((a, b) => a.time - b.time).map((e) => e.id);
    expect(h.out.on('out').map((e) => e.id)).toEqual(expected);
    expect(h.out.on('late')).toEqual([]);
  });

  it('sends exactly the events older than (max time before them − delay) to late when the delay is short', () => {
    const input = shuffled(2000, 50);
    const h = new Harness(reorder, { watermarkDelayMs: 20 });
    h.push(input).end();
    let max = -Infinity;
    const expectedLate: string[] = [];
    for (const e of input) {
      if (e.time < max - 20) expectedLate.push(e.id);
      max = Math.max(max, e.time);
    }
    expect(expectedLate.length).toBeGreaterThan(10);
    expect(h.out.on('late').map((e) => e.id)).toEqual(expectedLate);
    const onTime = input.filter((e) => !expectedLate.includes(e.id));
    expect(h.out.on('out').map((e) => e.id)).toEqual([...onTime].sort((a, b) => a.time - b.time).map((e) => e.id));
  });

  it('releases on a watermark signal, minimum over inputs, and forwards its watermark', () => {
    const h = new Harness(reorder, { watermarkDelayMs: 0 }, { inputCount: 2 });
    h.push(at(10), 'in', 0).push(at(4), 'in', 0);
    expect(h.out.on('out')).toEqual([]); // input 1 not heard from: −∞
    expect(h.watermark(6, 1)).toBe(6);
    expect(times(h.out.on('out'))).toEqual([4]);
    // input 1 goes idle: input 0 alone decides (its max time 10)
    expect(h.watermark(6, 1, true)).toBe(10);
    expect(times(h.out.on('out'))).toEqual([4, 10]);
  });

  it('restores mid-stream to exactly the output of an uninterrupted run', () => {
    const input = shuffled(600, 40, 3);
    const whole = new Harness(reorder, { watermarkDelayMs: 30 });
    whole.push(input).end();

    const a = new Harness(reorder, { watermarkDelayMs: 30 });
    a.push(input.slice(0, 311));
    const state = JSON.parse(JSON.stringify(a.op.snapshot!(1))) as unknown;
    const b = new Harness(reorder, { watermarkDelayMs: 30 });
    b.op.restore!(state);
    b.push(input.slice(311)).end();
    expect([...a.out.emitted, ...b.out.emitted]).toEqual(whole.out.emitted);
    expect(b.op.stateSize!()).toBe(0);
  });

  it('stops with a clear message instead of holding more than maxBuffered events', () => {
    const h = new Harness(reorder, { watermarkDelayMs: 1000, maxBuffered: 3 }, { nodeId: 'sorter' });
    h.push([at(1), at(2), at(3)]);
    expect(() => h.push(at(4))).toThrow(UserError);
    expect(() => h.push(at(5))).toThrow(/reorder "sorter" holds 3 events .*maxBuffered/);
  });

  it('declares in/out/late', () => {
    expect(reorder.ports({})).toEqual({ inputs: ['in'], outputs: ['out', 'late'] });
  });
});
