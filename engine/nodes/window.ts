import type { NodeDescriptor } from '../contract/descriptor.js';
import type { SluiceEvent } from '../contract/event.js';
import type { Emitter, Operator, OperatorContext } from '../contract/operator.js';
import type { Accumulator } from './accumulator.js';
import {
  AGGREGATE_OPS,
  accumulatorResult,
  addToAccumulator,
  mergeAccumulator,
  newAccumulator,
  AggregateInput,
} from './accumulator.js';
import { inputIdleTimeout } from './EventClock.js';
import { MinHeap } from './minHeap.js';
import { EVENT_VARS, userCodeFailed } from './userCodeFailed.js';

type WindowKind = 'tumbling' | 'sliding' | 'session';

/** One open window of one key. */
interface OpenWindow {
  key: string | null;
  start: number;
  end: number;
  acc: Accumulator;
  /** Latest emission stamp of its events, so the result's latency is honest. */
  emittedAt: number;
  /** Fired, or merged into another session: its heap entries are stale. */
  done: boolean;
}

/** A heap entry; stale once its window is done or (sessions) its end has moved. */
interface Due {
  end: number;
  start: number;
  seq: number;
  win: OpenWindow;
}

const dueFirst = (a: Due, b: Due): boolean =>
  a.end !== b.end ? a.end < b.end : a.start !== b.start ? a.start < b.start : a.seq < b.seq;

/**
 * Tumbling and sliding windows by end, for firing: one list per end, in the order the windows
 * opened, and the distinct ends in a heap. The same order as the heap of `Due`s sessions use
 * (by end, then start, then creation; windows of one size that end together start together),
 * at O(1) per window instead of O(log n) and no `Due` object per window: with Nexmark q5's
 * hundreds of thousands of windows on a few ends, the heap's pops were a tenth of its time.
 */
class FixedDue {
  private readonly byEnd = new Map<number, OpenWindow[]>();
  private readonly ends = new MinHeap<number>((a, b) => a < b);

  push(win: OpenWindow): void {
    let list = this.byEnd.get(win.end);
    if (list === undefined) {
      this.byEnd.set(win.end, (list = []));
      this.ends.push(win.end);
    }
    list.push(win);
  }

  /** The windows of the earliest end, taken out, if that end is ≤ `horizon`. */
  takeDue(horizon: number): OpenWindow[] | undefined {
    const end = this.ends.peek();
    if (end === undefined || !(end <= horizon)) return undefined;
    this.ends.pop();
    const list = this.byEnd.get(end);
    this.byEnd.delete(end);
    return list;
  }

  clear(): void {
    this.byEnd.clear();
    this.ends.clear();
  }
}

/**
 * The open windows in columns, one entry per window in each (fresh arrays of numbers and
 * strings: handed over, so a large state is encoded in slices between turns). Snapshots written
 * before the columns hold `windows` instead, one object per window; `restore` reads both.
 */
interface WindowSnapshot {
  /** Per input channel, the max event time seen; null stands for −∞ (not heard from). */
  maxTimes: Array<number | null>;
  /** Per input channel, the watermark signal (null: −∞) and whether it is idle. */
  signals?: Array<number | null>;
  idle?: boolean[];
  /** The watermark reached (null: −∞); it never goes back, idle inputs or not. */
  watermark?: number | null;
  keys: Array<string | null>;
  starts: number[];
  ends: number[];
  emittedAt: number[];
  counts: number[];
  /** Only the columns the op reads (older snapshots have all): sum and avg read sums, min mins, max maxs. */
  sums?: number[];
  mins?: Array<number | null>;
  maxs?: Array<number | null>;
}

interface LegacyWindowSnapshot {
  maxTimes: Array<number | null>;
  windows: Array<{ key: string | null; start: number; end: number; acc: Accumulator; emittedAt: number }>;
}

/**
 * `window`: event-time windows per key, fired by the watermark.
 *
 * 1. Each input channel's watermark is the larger of its watermark signal and the max event
 *    time seen on it (SPEC §12); the node's watermark is the min over channels that are not
 *    idle (one not heard from holds it at −∞) minus `watermarkDelayMs`. It forwards its
 *    watermark minus `allowedLatenessMs`: no window it fires later ends before that.
 * 2. An event is late, and goes unchanged to `late`, when its window would already have fired
 *    (`end + allowedLatenessMs ≤ watermark`); a sliding event is late only when all of its
 *    windows would have, otherwise it joins the ones still open. A session event is late when
 *    its own gap window `[t, t + gapMs)` would have fired.
 * 3. After the watermark advances, every window with `end + allowedLatenessMs ≤ watermark`
 *    fires once, in order of end, as `{ key, start, end, op, value, count }` at time `end − 1`.
 * 4. At the end of input the watermark is +∞ and every open window fires.
 */
export const window: NodeDescriptor = {
  type: 'window',
  title: 'Window',
  category: 'stateful',
  doc:
    'Aggregates events per key over event-time windows: tumbling (fixed, back to back), sliding ' +
    '(fixed size, every slide) or session (closed by a gap). A window fires once the watermark ' +
    '(max event time seen minus the delay, the min over inputs) passes its end plus the allowed ' +
    'lateness, emitting { key, start, end, op, value, count }. Events for windows that already ' +
    'fired go to the `late` port.',
  config: {
    kind: {
      kind: 'enum',
      values: ['tumbling', 'sliding', 'session'],
      label: 'Kind',
      doc: 'How events are grouped in time.',
      default: 'tumbling',
    },
    sizeMs: { kind: 'number', label: 'Size (ms)', doc: 'Window length (tumbling and sliding).', default: 1000, min: 1 },
    slideMs: {
      kind: 'number',
      label: 'Slide (ms)',
      doc: 'How often a sliding window starts; at most the size.',
      min: 1,
    },
    gapMs: {
      kind: 'number',
      label: 'Gap (ms)',
      doc: 'A session closes after this much event time without events.',
      min: 1,
    },
    op: {
      kind: 'enum',
      values: AGGREGATE_OPS,
      label: 'Operation',
      doc: 'What to compute per window.',
      default: 'count',
    },
    field: {
      kind: 'expression',
      vars: EVENT_VARS,
      label: 'Field',
      doc: 'The number to aggregate, e.g. `value.amount`. Empty: the value itself. Not used by count.',
    },
    watermarkDelayMs: {
      kind: 'number',
      label: 'Watermark delay (ms)',
      doc: 'How far behind the latest event time the watermark trails, to wait for out-of-order events.',
      default: 0,
      min: 0,
    },
    idleTimeoutMs: inputIdleTimeout,
    allowedLatenessMs: {
      kind: 'number',
      label: 'Allowed lateness (ms)',
      doc: "How long after the watermark passes a window's end it still accepts events before firing.",
      default: 0,
      min: 0,
    },
  },
  ports: () => ({ inputs: ['in'], outputs: ['out', 'late', 'error'] }),
  runsUserCode: true,
  changesKey: false,
  check(config) {
    const problems: Array<{ field?: string; message: string; severity?: 'error' | 'warning' }> = [];
    const kind = config.kind ?? 'tumbling';
    const positive = (x: unknown): x is number => typeof x === 'number' && x > 0;
    if (kind !== 'session' && !positive(config.sizeMs))
      problems.push({ field: 'sizeMs', message: 'A window needs a size greater than 0 ms.' });
    if (kind === 'sliding') {
      if (!positive(config.slideMs))
        problems.push({ field: 'slideMs', message: 'A sliding window needs slideMs greater than 0.' });
      else if (positive(config.sizeMs) && config.slideMs > config.sizeMs) {
        problems.push({
          field: 'slideMs',
          message: 'slideMs must not be larger than sizeMs (events would fall between windows).',
        });
      } else if (positive(config.sizeMs) && config.sizeMs / config.slideMs > 100) {
        problems.push({
          field: 'slideMs',
          message: 'Each event joins more than 100 windows; consider a larger slide.',
          severity: 'warning',
        });
      }
    }
    if (kind === 'session' && !positive(config.gapMs))
      problems.push({ field: 'gapMs', message: 'A session window needs gapMs greater than 0.' });
    return problems;
  },
  create: (ctx) => new WindowOperator(ctx),
};

class WindowOperator implements Operator {
  readonly snapshotOwned = true;
  private readonly windowKind: WindowKind;
  private readonly size: number;
  private readonly slide: number;
  private readonly gap: number;
  private readonly delay: number;
  private readonly lateness: number;
  private readonly input: AggregateInput;
  private maxTimes: number[];
  /** Per input: watermark signal and idleness (SPEC §12). */
  private signals: number[];
  private idle: boolean[];
  private watermark = -Infinity;
  /** Tumbling and sliding windows by key, then start. */
  private readonly fixed = new Map<string | null, Map<number, OpenWindow>>();
  /** Session windows by key, sorted by start. */
  private readonly sessions = new Map<string | null, OpenWindow[]>();
  /** Session windows by end, for firing (a session's end moves: stale entries are skipped). */
  private readonly due = new MinHeap<Due>(dueFirst);
  private readonly fixedDue = new FixedDue();
  private seq = 0;
  private openCount = 0;
  private readonly idPrefix: string;

  constructor(private readonly ctx: OperatorContext) {
    const c = ctx.config;
    this.windowKind = (c.kind as WindowKind | undefined) ?? 'tumbling';
    this.size = Number(c.sizeMs ?? 1000);
    this.slide = typeof c.slideMs === 'number' ? c.slideMs : this.size;
    this.gap = Number(c.gapMs ?? 0);
    this.delay = Number(c.watermarkDelayMs ?? 0);
    this.lateness = Number(c.allowedLatenessMs ?? 0);
    this.input = new AggregateInput(c);
    this.maxTimes = new Array<number>(Math.max(1, ctx.inputCount)).fill(-Infinity);
    this.signals = new Array<number>(this.maxTimes.length).fill(-Infinity);
    this.idle = new Array<boolean>(this.maxTimes.length).fill(false);
    this.idPrefix = ctx.nodeId + ':';
  }

  process(e: SluiceEvent, _port: string, out: Emitter, input: number): void {
    let x: number;
    try {
      x = this.input.of(e);
    } catch (err) {
      userCodeFailed(this.ctx, out, e, err);
      return;
    }
    const t = e.time;
    const horizon = this.watermark - this.lateness; // windows with end ≤ horizon have fired
    if (this.windowKind === 'tumbling') {
      const start = Math.floor(t / this.size) * this.size;
      if (start + this.size <= horizon) this.late(e, out);
      else this.addFixed(e, start, x);
    } else if (this.windowKind === 'sliding') {
      const last = Math.floor(t / this.slide) * this.slide;
      if (last + this.size <= horizon) this.late(e, out);
      else for (let s = last; s > t - this.size && s + this.size > horizon; s -= this.slide) this.addFixed(e, s, x);
    } else if (t + this.gap <= horizon) {
      this.late(e, out);
    } else {
      this.addToSession(e, x);
    }
    if (this.idle[input] === true) this.idle[input] = false;
    this.advance(t, input, out);
  }

  onWatermark(wm: number, input: number, idle: boolean, out: Emitter): number {
    this.grow(input);
    if (wm > (this.signals[input] as number)) this.signals[input] = wm;
    this.idle[input] = idle;
    this.recompute(out);
    return this.watermark - this.lateness;
  }

  private grow(input: number): void {
    while (input >= this.maxTimes.length) {
      this.maxTimes.push(-Infinity);
      this.signals.push(-Infinity);
      this.idle.push(false);
    }
  }

  private late(e: SluiceEvent, out: Emitter): void {
    this.ctx.countLate(1);
    out.emit('late', e);
  }

  private addFixed(e: SluiceEvent, start: number, x: number): void {
    let byStart = this.fixed.get(e.key);
    if (byStart === undefined) this.fixed.set(e.key, (byStart = new Map()));
    let win = byStart.get(start);
    if (win === undefined) {
      win = { key: e.key, start, end: start + this.size, acc: newAccumulator(), emittedAt: e.emittedAt, done: false };
      byStart.set(start, win);
      this.openCount++;
      this.fixedDue.push(win);
    }
    addToAccumulator(win.acc, x);
    if (e.emittedAt > win.emittedAt) win.emittedAt = e.emittedAt;
  }

  /** Join every open session of the key that `[t, t + gap)` overlaps into one. */
  private addToSession(e: SluiceEvent, x: number): void {
    const start = e.time;
    const end = e.time + this.gap;
    let list = this.sessions.get(e.key);
    if (list === undefined) this.sessions.set(e.key, (list = []));
    let target: OpenWindow | null = null;
    let targetEnd = NaN;
    for (let i = 0; i < list.length; i++) {
      const w = list[i] as OpenWindow;
      if (!(w.start < end && start < w.end)) continue;
      if (target === null) {
        target = w;
        targetEnd = w.end;
        continue;
      }
      mergeAccumulator(target.acc, w.acc);
      if (w.start < target.start) target.start = w.start;
      if (w.end > target.end) target.end = w.end;
      if (w.emittedAt > target.emittedAt) target.emittedAt = w.emittedAt;
      w.done = true;
      this.openCount--;
      list.splice(i--, 1);
    }
    if (target === null) {
      target = { key: e.key, start, end, acc: newAccumulator(), emittedAt: e.emittedAt, done: false };
      let at = list.length;
      while (at > 0 && (list[at - 1] as OpenWindow).start > start) at--;
      list.splice(at, 0, target);
      this.openCount++;
      targetEnd = NaN;
    } else {
      if (start < target.start) target.start = start;
      if (end > target.end) target.end = end;
    }
    addToAccumulator(target.acc, x);
    if (e.emittedAt > target.emittedAt) target.emittedAt = e.emittedAt;
    if (target.end !== targetEnd) this.due.push({ end: target.end, start: target.start, seq: this.seq++, win: target });
  }

  /** The newest event time seen on any input. */
  private newestTime(): number {
    let max = -Infinity;
    for (const t of this.maxTimes) if (t > max) max = t;
    return max;
  }

  private advance(t: number, input: number, out: Emitter): void {
    const times = this.maxTimes;
    if (input >= times.length) this.grow(input);
    if (!(t > (times[input] as number))) return;
    times[input] = t;
    this.recompute(out);
  }

  /** The watermark: min over inputs not idle of max(signal, max time seen), minus the delay. */
  private recompute(out: Emitter): void {
    const times = this.maxTimes;
    const signals = this.signals;
    let min = Infinity;
    let active = false;
    for (let i = 0; i < times.length; i++) {
      if (this.idle[i]) continue;
      active = true;
      const t = times[i] as number;
      const s = signals[i] as number;
      const w = s > t ? s : t;
      if (w < min) min = w;
    }
    if (!active) return;
    const wm = min - this.delay;
    if (wm <= this.watermark) return;
    this.watermark = wm;
    this.ctx.reportWatermark(wm, this.newestTime());
    this.fire(out);
  }

  /** Fire, in order of end, every window the watermark has passed. */
  private fire(out: Emitter): void {
    const horizon = this.watermark - this.lateness;
    if (this.windowKind !== 'session') {
      for (let list = this.fixedDue.takeDue(horizon); list; list = this.fixedDue.takeDue(horizon)) {
        for (let i = 0; i < list.length; i++) {
          const win = list[i] as OpenWindow;
          if (win.done) continue;
          this.closeWindow(win);
          this.emitWindow(win, out);
        }
      }
      return;
    }
    for (;;) {
      const top = this.due.peek();
      if (top === undefined) return;
      const win = top.win;
      if (win.done || win.end !== top.end) {
        this.due.pop();
        continue;
      }
      if (!(top.end <= horizon)) return;
      this.due.pop();
      this.closeWindow(win);
      this.emitWindow(win, out);
    }
  }

  private emitWindow(win: OpenWindow, out: Emitter): void {
    out.emit('out', {
      id: this.idPrefix + win.key + ':' + win.start + '-' + win.end,
      key: win.key,
      time: win.end - 1,
      value: {
        key: win.key,
        start: win.start,
        end: win.end,
        op: this.input.op,
        value: accumulatorResult(win.acc, this.input.op),
        count: win.acc.count,
      },
      emittedAt: win.emittedAt,
    });
  }

  private closeWindow(win: OpenWindow): void {
    win.done = true;
    this.openCount--;
    if (this.windowKind === 'session') {
      const list = this.sessions.get(win.key);
      if (list !== undefined) {
        list.splice(list.indexOf(win), 1);
        if (list.length === 0) this.sessions.delete(win.key);
      }
    } else {
      const byStart = this.fixed.get(win.key);
      if (byStart !== undefined) {
        byStart.delete(win.start);
        if (byStart.size === 0) this.fixed.delete(win.key);
      }
    }
  }

  onEnd(out: Emitter): void {
    this.watermark = Infinity;
    this.fire(out);
  }

  /**
   * Columns, preallocated, and only those the op reads: a count (Nexmark q5) stores 5 numbers
   * or strings per window instead of 8, which is most of what its large checkpoints cost.
   */
  snapshot(): unknown {
    const n = this.openCount;
    const op = this.input.op;
    const keys = new Array<string | null>(n);
    const starts = new Array<number>(n);
    const ends = new Array<number>(n);
    const emittedAt = new Array<number>(n);
    const counts = new Array<number>(n);
    const sums = op === 'sum' || op === 'avg' ? new Array<number>(n) : undefined;
    const mins = op === 'min' ? new Array<number | null>(n) : undefined;
    const maxs = op === 'max' ? new Array<number | null>(n) : undefined;
    let i = 0;
    const add = (w: OpenWindow): void => {
      keys[i] = w.key;
      starts[i] = w.start;
      ends[i] = w.end;
      emittedAt[i] = w.emittedAt;
      counts[i] = w.acc.count;
      if (sums) sums[i] = w.acc.sum;
      if (mins) mins[i] = w.acc.min;
      if (maxs) maxs[i] = w.acc.max;
      i++;
    };
    // No sort: restore pushes every window on the heap, which orders them by (end, start) and,
    // among equals, by this order, as the heap of the run did.
    for (const byStart of this.fixed.values()) for (const w of byStart.values()) add(w);
    for (const list of this.sessions.values()) for (const w of list) add(w);
    const orNull = (t: number): number | null => (t === -Infinity ? null : t);
    const snap: WindowSnapshot = {
      maxTimes: this.maxTimes.map(orNull),
      keys,
      starts,
      ends,
      emittedAt,
      counts,
      ...(sums ? { sums } : {}),
      ...(mins ? { mins } : {}),
      ...(maxs ? { maxs } : {}),
    };
    snap.signals = this.signals.map(orNull);
    snap.idle = [...this.idle];
    snap.watermark = orNull(this.watermark);
    return snap;
  }

  restore(state: unknown): void {
    const s = state as Partial<WindowSnapshot & LegacyWindowSnapshot> | null;
    this.fixed.clear();
    this.sessions.clear();
    this.due.clear();
    this.fixedDue.clear();
    this.openCount = 0;
    const saved = Array.isArray(s?.maxTimes) ? s.maxTimes.map((t) => (typeof t === 'number' ? t : -Infinity)) : [];
    while (saved.length < this.maxTimes.length) saved.push(-Infinity);
    this.maxTimes = saved;
    const n = saved.length;
    const signals = Array.isArray(s?.signals) ? s.signals.map((t) => (typeof t === 'number' ? t : -Infinity)) : [];
    this.signals = Array.from({ length: n }, (_, i) => signals[i] ?? -Infinity);
    this.idle = Array.from({ length: n }, (_, i) => s?.idle?.[i] === true);
    let min = Infinity;
    for (let i = 0; i < n; i++) {
      if (this.idle[i]) continue;
      min = Math.min(min, Math.max(saved[i] as number, this.signals[i] as number));
    }
    this.watermark = min === Infinity ? -Infinity : min - this.delay;
    if (typeof s?.watermark === 'number' && s.watermark > this.watermark) this.watermark = s.watermark;
    if (Array.isArray(s?.keys)) {
      const c = s as WindowSnapshot;
      for (let i = 0; i < c.keys.length; i++) {
        this.reopen({
          key: c.keys[i] ?? null,
          start: c.starts[i] as number,
          end: c.ends[i] as number,
          acc: {
            count: c.counts[i] as number,
            sum: c.sums?.[i] ?? 0,
            min: c.mins?.[i] ?? null,
            max: c.maxs?.[i] ?? null,
          },
          emittedAt: c.emittedAt[i] as number,
          done: false,
        });
      }
    } else {
      const legacy = [...(s?.windows ?? [])].sort((a, b) => a.end - b.end || a.start - b.start);
      for (const w of legacy) {
        this.reopen({ key: w.key, start: w.start, end: w.end, acc: { ...w.acc }, emittedAt: w.emittedAt, done: false });
      }
    }
    if (this.watermark > -Infinity) this.ctx.reportWatermark(this.watermark, this.newestTime());
  }

  private reopen(win: OpenWindow): void {
    if (this.windowKind === 'session') {
      let list = this.sessions.get(win.key);
      if (list === undefined) this.sessions.set(win.key, (list = []));
      // Sessions of a key are kept sorted by start (they were snapshotted in that order).
      let at = list.length;
      while (at > 0 && (list[at - 1] as OpenWindow).start > win.start) at--;
      list.splice(at, 0, win);
    } else {
      let byStart = this.fixed.get(win.key);
      if (byStart === undefined) this.fixed.set(win.key, (byStart = new Map()));
      byStart.set(win.start, win);
    }
    this.openCount++;
    if (this.windowKind === 'session') this.due.push({ end: win.end, start: win.start, seq: this.seq++, win });
    else this.fixedDue.push(win);
  }

  stateSize(): number {
    return this.openCount;
  }
}
