import { describe, expect, it } from 'vitest';
import { window } from '../../../../engine/nodes/window.js';
import { Harness, ev } from './harness.js';

const at = (time: number, key: string | null = 'a', value: unknown = 1) => ev(value, { time, key });
const fired = (h: Harness) =>
  h.out.values('out') as Array<{ key: string | null; start: number; end: number; value: unknown; count: number }>;
const spans = (h: Harness) => fired(h).map((w) => [w.key, w.start, w.end, w.count]);

describe('window', () => {
  it('fires a tumbling window once the watermark reaches its end, at time end − 1', () => {
    const h = new Harness(window, { kind: 'tumbling', sizeMs: 10 }, { nodeId: 'w' });
    h.push([at(1), at(5)]);
    expect(h.out.on('out')).toEqual([]);
    h.push(at(12));
    expect(h.out.on('out')).toEqual([
      {
        id: 'w:a:0-10',
        key: 'a',
        time: 9,
        value: { key: 'a', start: 0, end: 10, op: 'count', value: 2, count: 2 },
        emittedAt: 0,
      },
    ]);
    h.end();
    expect(spans(h)).toEqual([
      ['a', 0, 10, 2],
      ['a', 10, 20, 1],
    ]);
  });

  it('counts out-of-order events that arrive before the watermark passes their window', () => {
    const h = new Harness(window, { sizeMs: 10 });
    h.push([at(8), at(3), at(9), at(2), at(15)]);
    expect(spans(h)).toEqual([['a', 0, 10, 4]]);
  });

  it('sends an event for an already fired window to late, unchanged', () => {
    const h = new Harness(window, { sizeMs: 10 });
    h.push([at(1), at(12)]);
    const late = at(4);
    h.push(late);
    expect(h.out.on('late')).toEqual([late]);
    expect(h.out.on('late')[0]).toBe(late);
    h.end();
    expect(spans(h)).toEqual([
      ['a', 0, 10, 1],
      ['a', 10, 20, 1],
    ]);
  });

  it('holds the watermark watermarkDelayMs behind the max event time', () => {
    const h = new Harness(window, { sizeMs: 10, watermarkDelayMs: 5 });
    h.push([at(1), at(12), at(4)]);
    expect(spans(h)).toEqual([]);
    expect(h.ctx.watermarks.at(-1)).toBe(7);
    h.push(at(15));
    expect(spans(h)).toEqual([['a', 0, 10, 2]]);
    h.push(at(6));
    expect(h.out.on('late')).toHaveLength(1);
  });

  it('keeps a window open for allowedLatenessMs past its end and fires it after', () => {
    const h = new Harness(window, { sizeMs: 10, allowedLatenessMs: 5 });
    h.push([at(1), at(12), at(4)]);
    expect(spans(h)).toEqual([]);
    expect(h.out.on('late')).toEqual([]);
    h.push(at(15));
    expect(spans(h)).toEqual([['a', 0, 10, 2]]);
    h.push(at(9));
    expect(h.out.on('late')).toHaveLength(1);
  });

  it('keeps windows per key and fires them in order of end when the watermark jumps', () => {
    const h = new Harness(window, { sizeMs: 10, watermarkDelayMs: 20 });
    h.push([at(15, 'a'), at(3, 'b'), at(25, 'c'), at(4, 'a')]);
    expect(spans(h)).toEqual([]);
    h.push(at(200, 'd'));
    expect(spans(h)).toEqual([
      ['b', 0, 10, 1],
      ['a', 0, 10, 1],
      ['a', 10, 20, 1],
      ['c', 20, 30, 1],
    ]);
    expect(h.out.on('out').map((e) => [e.key, e.time])).toEqual([
      ['b', 9],
      ['a', 9],
      ['a', 19],
      ['c', 29],
    ]);
  });

  it('fires every open window at the end of input', () => {
    const h = new Harness(window, { sizeMs: 10, watermarkDelayMs: 1000 });
    h.push([at(35, 'x'), at(5, 'y'), at(12, 'x')]);
    expect(spans(h)).toEqual([]);
    h.end();
    expect(spans(h)).toEqual([
      ['y', 0, 10, 1],
      ['x', 10, 20, 1],
      ['x', 30, 40, 1],
    ]);
    expect(h.op.stateSize!()).toBe(0);
  });

  it('assigns a sliding event to every window containing it and fires all at the end', () => {
    const h = new Harness(window, { kind: 'sliding', sizeMs: 10, slideMs: 5, watermarkDelayMs: 100 });
    h.push([at(7), at(12)]);
    h.end();
    expect(spans(h)).toEqual([
      ['a', 0, 10, 1],
      ['a', 5, 15, 2],
      ['a', 10, 20, 1],
    ]);
  });

  it('sends a sliding event to late only when all its windows fired, else adds it to the open ones', () => {
    const h = new Harness(window, { kind: 'sliding', sizeMs: 10, slideMs: 5 });
    h.push([at(21), at(30)]);
    expect(spans(h)).toEqual([
      ['a', 15, 25, 1],
      ['a', 20, 30, 1],
    ]);
    h.push(at(22));
    expect(h.out.on('late')).toHaveLength(1);
    h.push(at(27));
    expect(h.out.on('late')).toHaveLength(1);
    h.end();
    expect(spans(h).slice(2)).toEqual([
      ['a', 25, 35, 2],
      ['a', 30, 40, 1],
    ]);
  });

  it('merges session windows per key when events are closer than the gap', () => {
    const h = new Harness(window, { kind: 'session', gapMs: 5, watermarkDelayMs: 100 });
    h.push([at(1), at(9), at(1, 'b'), at(5)]);
    h.end();
    expect(spans(h)).toEqual([
      ['b', 1, 6, 1],
      ['a', 1, 14, 3],
    ]);
  });

  it('closes a session when the watermark passes its last event plus the gap', () => {
    const h = new Harness(window, { kind: 'session', gapMs: 5, op: 'sum' });
    h.push([at(1, 'a', 2), at(3, 'a', 3), at(20, 'a', 1)]);
    expect(fired(h)).toEqual([{ key: 'a', start: 1, end: 8, op: 'sum', value: 5, count: 2 }]);
    h.push(at(2, 'a'));
    expect(h.out.on('late')).toHaveLength(1);
    h.end();
    expect(spans(h)).toEqual([
      ['a', 1, 8, 2],
      ['a', 20, 25, 1],
    ]);
  });

  it('takes the minimum over inputs and holds the watermark until every input is heard from', () => {
    const h = new Harness(window, { sizeMs: 10 }, { inputCount: 2 });
    h.push([at(1), at(50)], 'in', 0);
    expect(spans(h)).toEqual([]);
    expect(h.ctx.watermarks).toEqual([]);
    h.push(at(22), 'in', 1);
    expect(h.ctx.watermarks).toEqual([22]);
    expect(spans(h)).toEqual([['a', 0, 10, 1]]);
    h.end();
    expect(spans(h).map((s) => s[1])).toEqual([0, 20, 50]);
  });

  it.each([
    ['sum', 10],
    ['avg', 2.5],
    ['min', 1],
    ['max', 4],
  ])('computes %s over the field expression', (op, expected) => {
    const h = new Harness(window, { sizeMs: 100, op, field: 'value.n' });
    h.push([1, 2, 3, 4].map((n) => at(n, 'a', { n })));
    h.end();
    expect(fired(h)[0]).toMatchObject({ op, value: expected, count: 4 });
  });

  it('routes an event whose field throws to the error port', () => {
    const h = new Harness(
      window,
      { sizeMs: 10, op: 'sum', field: 'value.x.y' },
      { connected: ['out', 'late', 'error'] },
    );
    h.push(at(1, 'a', {}));
    expect(h.out.on('error')).toHaveLength(1);
  });

  it('restores open windows and watermarks so a resumed run emits what an uninterrupted one does', () => {
    const events = [at(1), at(12), at(3, 'b'), at(14, 'b'), at(25), at(8), at(31, 'b'), at(40)];
    const whole = new Harness(window, { sizeMs: 10, allowedLatenessMs: 5 }, { inputCount: 2 });
    events.forEach((e, i) => whole.push(e, 'in', i % 2));
    whole.end();

    const first = new Harness(window, { sizeMs: 10, allowedLatenessMs: 5 }, { inputCount: 2 });
    events.slice(0, 5).forEach((e, i) => first.push(e, 'in', i % 2));
    const state = JSON.parse(JSON.stringify(first.op.snapshot!(1)));
    const second = new Harness(window, { sizeMs: 10, allowedLatenessMs: 5 }, { inputCount: 2 });
    second.op.restore!(state);
    expect(second.op.stateSize!()).toBe(first.op.stateSize!());
    events.slice(5).forEach((e, i) => second.push(e, 'in', (i + 5) % 2));
    second.end();
    expect([...first.out.emitted, ...second.out.emitted]).toEqual(whole.out.emitted);
  });

  it('snapshots in columns (handed over) and still restores a snapshot of one object per window', () => {
    const events = [at(1), at(3, 'b'), at(12), at(14, 'b'), at(16, 'c'), at(25), at(31, 'b'), at(40)];
    for (const config of [
      { sizeMs: 10, op: 'sum' },
      { kind: 'session', gapMs: 4, op: 'max' },
    ]) {
      const whole = new Harness(window, config);
      events.forEach((e) => whole.push(e));
      whole.end();
      const first = new Harness(window, config);
      events.slice(0, 5).forEach((e) => first.push(e));
      expect(first.op.snapshotOwned).toBe(true);
      const columns = JSON.parse(JSON.stringify(first.op.snapshot!(1))) as Record<string, unknown[]>;
      expect(columns.keys!.length).toBe(first.op.stateSize!());
      // The same windows as the format before the columns: one object per window.
      const legacy = {
        maxTimes: columns.maxTimes,
        windows: columns.keys!.map((key, i) => ({
          key,
          start: columns.starts![i],
          end: columns.ends![i],
          emittedAt: columns.emittedAt![i],
          // Only the columns the op reads are stored.
          acc: {
            count: columns.counts![i],
            sum: columns.sums?.[i] ?? 0,
            min: columns.mins?.[i] ?? null,
            max: columns.maxs?.[i] ?? null,
          },
        })),
      };
      for (const state of [columns, legacy]) {
        const second = new Harness(window, config);
        second.op.restore!(state);
        events.slice(5).forEach((e) => second.push(e));
        second.end();
        expect([...first.out.emitted, ...second.out.emitted]).toEqual(whole.out.emitted);
      }
    }
  });

  it('checks the cross-field rules of each kind', () => {
    expect(window.check!({ kind: 'sliding', sizeMs: 10, slideMs: 20 })[0]?.field).toBe('slideMs');
    expect(window.check!({ kind: 'sliding', sizeMs: 10 })[0]?.field).toBe('slideMs');
    expect(window.check!({ kind: 'session', sizeMs: 10 })[0]?.field).toBe('gapMs');
    expect(window.check!({ kind: 'sliding', sizeMs: 10000, slideMs: 1 })[0]?.severity).toBe('warning');
    expect(window.check!({ kind: 'tumbling', sizeMs: 10 })).toEqual([]);
    expect(window.ports({})).toEqual({ inputs: ['in'], outputs: ['out', 'late', 'error'] });
  });
});

describe('window on watermark signals (SPEC §12)', () => {
  it('fires on a signal from an input that sends no events (a filter dropping everything)', () => {
    const h = new Harness(window, { sizeMs: 10 }, { inputCount: 2 });
    h.push([at(1), at(5), at(25)], 'in', 0);
    expect(fired(h)).toEqual([]); // input 1 never heard from: −∞
    expect(h.watermark(12, 1)).toBe(12);
    expect(spans(h)).toEqual([['a', 0, 10, 2]]);
    h.watermark(30, 1); // input 0 has seen only 25: [20, 30) waits
    expect(spans(h)).toEqual([['a', 0, 10, 2]]);
    h.push(at(31), 'in', 0);
    expect(spans(h)).toEqual([
      ['a', 0, 10, 2],
      ['a', 20, 30, 1],
    ]);
  });

  it('takes per input the larger of signal and max time seen, minus the delay', () => {
    const h = new Harness(window, { sizeMs: 10, watermarkDelayMs: 3 }, { inputCount: 2 });
    h.push(at(40), 'in', 0);
    h.push(at(2), 'in', 1);
    h.watermark(5, 0); // input 0: max(5, 40) = 40; input 1: 2 → wm = 2 − 3
    expect(fired(h)).toEqual([]);
    h.watermark(13, 1); // min(40, 13) − 3 = 10: window [0, 10) fires
    expect(spans(h)).toEqual([['a', 0, 10, 1]]);
  });

  it('stops waiting for an idle input, and waits for it again once it sends', () => {
    const h = new Harness(window, { sizeMs: 10 }, { inputCount: 2 });
    h.push([at(3), at(15)], 'in', 0);
    h.watermark(Number.NEGATIVE_INFINITY, 1, true);
    expect(spans(h)).toEqual([['a', 0, 10, 1]]);
    h.push(at(16), 'in', 1); // active again, at 16
    h.push(at(35), 'in', 0);
    expect(spans(h)).toEqual([['a', 0, 10, 1]]); // held at 16 by input 1
    h.push(at(22), 'in', 1);
    expect(spans(h)).toEqual([
      ['a', 0, 10, 1],
      ['a', 10, 20, 2],
    ]);
  });

  it('forwards its watermark minus the allowed lateness, and counts late events', () => {
    const h = new Harness(window, { sizeMs: 10, allowedLatenessMs: 4 });
    h.push(at(30));
    expect(h.watermark(30)).toBe(26);
    h.push(at(1));
    expect(h.ctx.late).toBe(1);
  });

  it('restores mid-window with its signals and idle inputs', () => {
    const a = new Harness(window, { sizeMs: 10 }, { inputCount: 2 });
    a.push([at(3), at(14)], 'in', 0);
    a.watermark(0, 1, true);
    expect(spans(a)).toEqual([['a', 0, 10, 1]]);
    const state = JSON.parse(JSON.stringify(a.op.snapshot!(1))) as unknown;
    const b = new Harness(window, { sizeMs: 10 }, { inputCount: 2 });
    b.op.restore!(state);
    b.push(at(2), 'in', 0); // still late after the restore
    expect(b.out.on('late')).toHaveLength(1);
    b.push(at(21), 'in', 0); // input 1 is still idle: input 0 alone fires [10, 20)
    expect(spans(b)).toEqual([['a', 10, 20, 1]]);
  });
});
