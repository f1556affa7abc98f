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

interface WindowSnapshot {
  /** Per input channel, the max event time seen; null stands for −∞ (not heard from). */
  maxTimes: Array<number | null>;
  windows: Array<{ key: string | null; start: number; end: number; acc: Accumulator; emittedAt: number }>;
}

/**
 * `window`: event-time windows per key, fired by the watermark.
 *
 * 1. Each input channel's watermark is the max event time seen on it; the node's watermark is
 *    the min over channels (one not heard from holds it at −∞) minus `watermarkDelayMs`.
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
  private readonly windowKind: WindowKind;
  private readonly size: number;
  private readonly slide: number;
  private readonly gap: number;
  private readonly delay: number;
  private readonly lateness: number;
  private readonly input: AggregateInput;
  private maxTimes: number[];
  private watermark = -Infinity;
  /** Tumbling and sliding windows by key, then start. */
  private readonly fixed = new Map<string | null, Map<number, OpenWindow>>();
  /** Session windows by key, sorted by start. */
  private readonly sessions = new Map<string | null, OpenWindow[]>();
  private readonly due = new MinHeap<Due>(dueFirst);
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
      if (start + this.size <= horizon) out.emit('late', e);
      else this.addFixed(e, start, x);
    } else if (this.windowKind === 'sliding') {
      const last = Math.floor(t / this.slide) * this.slide;
      if (last + this.size <= horizon) out.emit('late', e);
      else for (let s = last; s > t - this.size && s + this.size > horizon; s -= this.slide) this.addFixed(e, s, x);
    } else if (t + this.gap <= horizon) {
      out.emit('late', e);
    } else {
      this.addToSession(e, x);
    }
    this.advance(t, input, out);
  }

  private addFixed(e: SluiceEvent, start: number, x: number): void {
    let byStart = this.fixed.get(e.key);
    if (byStart === undefined) this.fixed.set(e.key, (byStart = new Map()));
    let win = byStart.get(start);
    if (win === undefined) {
      win = { key: e.key, start, end: start + this.size, acc: newAccumulator(), emittedAt: e.emittedAt, done: false };
      byStart.set(start, win);
      this.openCount++;
      this.due.push({ end: win.end, start, seq: this.seq++, win });
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
    while (input >= times.length) times.push(-Infinity);
    if (!(t > (times[input] as number))) return;
    times[input] = t;
    let min = Infinity;
    for (let i = 0; i < times.length; i++) if ((times[i] as number) < min) min = times[i] as number;
    const wm = min - this.delay;
    if (wm <= this.watermark) return;
    this.watermark = wm;
    this.ctx.reportWatermark(wm, this.newestTime());
    this.fire(out);
  }

  /** Fire, in order of end, every window the watermark has passed. */
  private fire(out: Emitter): void {
    const horizon = this.watermark - this.lateness;
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

  snapshot(): unknown {
    const windows: WindowSnapshot['windows'] = [];
    const add = (w: OpenWindow): void => {
      windows.push({ key: w.key, start: w.start, end: w.end, acc: { ...w.acc }, emittedAt: w.emittedAt });
    };
    for (const byStart of this.fixed.values()) for (const w of byStart.values()) add(w);
    for (const list of this.sessions.values()) for (const w of list) add(w);
    windows.sort((a, b) => a.end - b.end || a.start - b.start);
    const snap: WindowSnapshot = { maxTimes: this.maxTimes.map((t) => (t === -Infinity ? null : t)), windows };
    return snap;
  }

  restore(state: unknown): void {
    const s = state as Partial<WindowSnapshot> | null;
    this.fixed.clear();
    this.sessions.clear();
    this.due.clear();
    this.openCount = 0;
    const saved = Array.isArray(s?.maxTimes) ? s.maxTimes.map((t) => (typeof t === 'number' ? t : -Infinity)) : [];
    while (saved.length < this.maxTimes.length) saved.push(-Infinity);
    this.maxTimes = saved;
    const min = saved.reduce((m, t) => Math.min(m, t), Infinity);
    this.watermark = min === Infinity ? -Infinity : min - this.delay;
    for (const w of s?.windows ?? []) {
      const win: OpenWindow = {
        key: w.key,
        start: w.start,
        end: w.end,
        acc: { ...w.acc },
        emittedAt: w.emittedAt,
        done: false,
      };
      if (this.windowKind === 'session') {
        let list = this.sessions.get(win.key);
        if (list === undefined) this.sessions.set(win.key, (list = []));
        list.push(win);
        list.sort((a, b) => a.start - b.start);
      } else {
        let byStart = this.fixed.get(win.key);
        if (byStart === undefined) this.fixed.set(win.key, (byStart = new Map()));
        byStart.set(win.start, win);
      }
      this.openCount++;
      this.due.push({ end: win.end, start: win.start, seq: this.seq++, win });
    }
    if (this.watermark > -Infinity) this.ctx.reportWatermark(this.watermark, this.newestTime());
  }

  stateSize(): number {
    return this.openCount;
  }
}
