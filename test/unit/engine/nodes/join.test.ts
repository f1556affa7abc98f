import { describe, expect, it } from 'vitest';
import type { SluiceEvent } from '../../../../engine/contract/event.js';
import { UserError } from '../../../../engine/contract/operator.js';
import { join } from '../../../../engine/nodes/join.js';
import { Harness, ev } from './harness.js';

const L = (time: number, key = 'a', id = `L${key}@${time}`) => ev({ l: id }, { time, key, id });
const R = (time: number, key = 'a', id = `R${key}@${time}`) => ev({ r: id }, { time, key, id });
type Out = { key: string | null; left: { l: string } | null; right: { r: string } | null };
const pairs = (h: Harness) =>
  (h.out.values('out') as Out[]).map((v) => `${v.left?.l ?? '-'}|${v.right?.r ?? '-'}`).sort();

/** Feed left and right in one time-ordered stream (left first on ties), as two inputs. */
function feed(h: Harness, lefts: SluiceEvent[], rights: SluiceEvent[]): void {
  const all = [...lefts.map((e) => ({ e, left: true })), ...rights.map((e) => ({ e, left: false }))].sort(
    (a, b) => a.e.time - b.e.time || Number(b.left) - Number(a.left),
  );
  for (const { e, left } of all) h.push(e, left ? 'left' : 'right', left ? 0 : 1);
  h.end();
}

/** The expected result by brute force over every pair: the definition, not the implementation. */
function expected(lefts: SluiceEvent[], rights: SluiceEvent[], lower: number, upper: number, kind: string): string[] {
  const out: string[] = [];
  const matchedR = new Set<string>();
  for (const l of lefts) {
    let any = false;
    for (const r of rights) {
      if (r.key === l.key && r.time >= l.time + lower && r.time <= l.time + upper) {
        out.push(`${l.id}|${r.id}`);
        matchedR.add(r.id);
        any = true;
      }
    }
    if (!any && kind !== 'inner') out.push(`${l.id}|-`);
  }
  if (kind === 'outer') for (const r of rights) if (!matchedR.has(r.id)) out.push(`-|${r.id}`);
  return out.sort();
}

function stream(n: number, prefix: 'L' | 'R', seed: number): SluiceEvent[] {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const out: SluiceEvent[] = [];
  for (let i = 0; i < n; i++) {
    const t = Math.floor(rnd() * 5000);
    const key = `k${Math.floor(rnd() * 7)}`;
    out.push((prefix === 'L' ? L : R)(t, key, `${prefix}${i}`));
  }
  return out;
}

describe('join', () => {
  it('matches a left event with the right events of its key in [t + lowerMs, t + upperMs]', () => {
    const h = new Harness(join, { lowerMs: -5, upperMs: 10 }, { inputCount: 2, nodeId: 'j' });
    feed(h, [L(100)], [R(94), R(95), R(110), R(111), R(100, 'b')]);
    expect(pairs(h)).toEqual(['La@100|Ra@110', 'La@100|Ra@95']);
    const first = h.out.on('out')[0]!;
    expect(first).toMatchObject({ id: 'j:La@100+Ra@95', key: 'a', time: 100 });
    expect(first.value).toEqual({ key: 'a', left: { l: 'La@100' }, right: { r: 'Ra@95' } });
  });

  it.each(['inner', 'left', 'outer'])('%s: equals the brute-force join of random streams', (kind) => {
    const lefts = stream(400, 'L', 11);
    const rights = stream(400, 'R', 29);
    const h = new Harness(join, { kind, lowerMs: -40, upperMs: 120 }, { inputCount: 2 });
    feed(h, lefts, rights);
    const want = expected(lefts, rights, -40, 120, kind);
    expect(want.length).toBeGreaterThan(100);
    expect(pairs(h)).toEqual(want);
    expect(h.out.on('late')).toEqual([]);
    expect(h.op.stateSize!()).toBe(0);
  });

  it('emits an unmatched left event with null once the watermark closes its interval, not before', () => {
    const h = new Harness(join, { kind: 'left', lowerMs: 0, upperMs: 10 }, { inputCount: 2 });
    h.push(L(100), 'left', 0);
    h.push(R(105, 'b'), 'right', 1); // another key: the watermark is min(100, 105) = 100
    expect(pairs(h)).toEqual([]);
    h.watermark(110, 0);
    h.watermark(110, 1); // 100 + 10 is not < 110 yet... equal: still open
    expect(pairs(h)).toEqual([]);
    h.watermark(111, 0);
    h.watermark(111, 1);
    expect(pairs(h)).toEqual(['La@100|-']);
    const unmatched = h.out.on('out')[0]!;
    expect(unmatched.time).toBe(100);
  });

  it('holds the watermark it forwards at the oldest event that may still go out unmatched', () => {
    const h = new Harness(join, { kind: 'left', lowerMs: 0, upperMs: 1000 }, { inputCount: 2 });
    h.push(L(100), 'left', 0);
    expect(h.watermark(500, 0)).toBe(Number.NEGATIVE_INFINITY); // right not heard from
    expect(h.watermark(500, 1)).toBe(100); // held at the unmatched left at 100
    const inner = new Harness(join, { kind: 'inner', lowerMs: 0, upperMs: 1000 }, { inputCount: 2 });
    inner.push(L(100), 'left', 0);
    inner.watermark(500, 0);
    expect(inner.watermark(500, 1)).toBe(500);
  });

  it('sends events older than the watermark to late and counts them', () => {
    const h = new Harness(join, { lowerMs: 0, upperMs: 10 }, { inputCount: 2 });
    h.watermark(200, 0);
    h.watermark(200, 1);
    const late = R(150);
    h.push(late, 'right', 1);
    expect(h.out.on('late')).toEqual([late]);
    expect(h.ctx.late).toBe(1);
  });

  it('does not wait for an idle side', () => {
    const h = new Harness(join, { kind: 'left', lowerMs: 0, upperMs: 10 }, { inputCount: 2 });
    h.push(L(100), 'left', 0);
    h.push(L(300), 'left', 0);
    expect(pairs(h)).toEqual([]);
    h.watermark(Number.NEGATIVE_INFINITY, 1, true);
    expect(pairs(h)).toEqual(['La@100|-']);
  });

  it('restores mid-interval to exactly the output of an uninterrupted run', () => {
    const lefts = stream(300, 'L', 5);
    const rights = stream(300, 'R', 6);
    const order = [...lefts.map((e) => ({ e, p: 'left', i: 0 })), ...rights.map((e) => ({ e, p: 'right', i: 1 }))].sort(
      (a, b) => a.e.time - b.e.time,
    );
    const cfg = { kind: 'outer', lowerMs: -50, upperMs: 200 };
    const whole = new Harness(join, cfg, { inputCount: 2 });
    for (const x of order) whole.push(x.e, x.p, x.i);
    whole.end();

    const a = new Harness(join, cfg, { inputCount: 2 });
    for (const x of order.slice(0, 333)) a.push(x.e, x.p, x.i);
    expect(a.op.stateSize!()).toBeGreaterThan(0);
    const state = JSON.parse(JSON.stringify(a.op.snapshot!(1))) as unknown;
    const b = new Harness(join, cfg, { inputCount: 2 });
    b.op.restore!(state);
    for (const x of order.slice(333)) b.push(x.e, x.p, x.i);
    b.end();
    expect([...a.out.emitted, ...b.out.emitted]).toEqual(whole.out.emitted);
  });

  it('stops with a clear message instead of holding more than maxBuffered events', () => {
    const h = new Harness(join, { maxBuffered: 2 }, { inputCount: 2, nodeId: 'pay' });
    h.push(L(1), 'left', 0).push(R(1), 'right', 1);
    expect(() => h.push(L(2), 'left', 0)).toThrow(UserError);
    expect(() => h.push(L(2), 'left', 0)).toThrow(/join "pay" holds 2 events .*maxBuffered/);
  });

  it('refuses an upper bound below the lower one, and declares left/right/out/late', () => {
    expect(join.check!({ lowerMs: 10, upperMs: 5 })).toEqual([
      { field: 'upperMs', message: expect.stringMatching(/upperMs must not be below lowerMs/) },
    ]);
    expect(join.ports({})).toEqual({ inputs: ['left', 'right'], outputs: ['out', 'late'] });
  });
});
