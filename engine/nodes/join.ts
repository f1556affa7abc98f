import type { NodeDescriptor } from '../contract/descriptor.js';
import type { SluiceEvent } from '../contract/event.js';
import type { Emitter, Operator, OperatorContext } from '../contract/operator.js';
import { UserError } from '../contract/operator.js';
import { EventClock, type EventClockState, inputIdleTimeout } from './EventClock.js';
import { MinHeap } from './minHeap.js';

type JoinKind = 'inner' | 'left' | 'outer';

/** One buffered event of one side, and whether it has met a partner yet. */
interface Entry {
  e: SluiceEvent;
  left: boolean;
  matched: boolean;
  seq: number;
}

/** The two sides of one key, in arrival order. */
interface Sides {
  left: Entry[];
  right: Entry[];
}

interface JoinSnapshot {
  clock: EventClockState;
  /** Every buffered event in arrival order: side (true: left), matched yet, the event. */
  entries: Array<[boolean, boolean, SluiceEvent]>;
}

const olderFirst = (a: Entry, b: Entry): boolean => (a.e.time !== b.e.time ? a.e.time < b.e.time : a.seq < b.seq);

/**
 * `join` (SPEC §12): a keyed interval join with Flink's interval semantics.
 *
 * 1. A left event at t matches every right event of the same key at s with
 *    t + lowerMs ≤ s ≤ t + upperMs; each match goes out as `{ key, left, right }` (the values)
 *    at time max(t, s), whichever side arrives second.
 * 2. The watermark is the EventClock's over both inputs (minus `watermarkDelayMs`). An event
 *    older than it is late and goes unchanged to `late`.
 * 3. When the watermark passes a buffered event's interval (left: t + upperMs; right:
 *    s − lowerMs), no partner can come any more: it is dropped, and for `left` and `outer`
 *    an unmatched left event (for `outer` a right one too) goes out with `null` on the other
 *    side, at its own time.
 * 4. The watermark it forwards is held at the oldest buffered event that may still go out
 *    unmatched, so what it emits later is never late downstream.
 * 5. At most `maxBuffered` events are held; one more stops the run with a message naming the
 *    node and the remedies. Buffers and the clock are the checkpointed state.
 */
export const join: NodeDescriptor = {
  type: 'join',
  title: 'Join',
  category: 'stateful',
  doc:
    'Joins two keyed streams in event time: a left event at t meets the right events of the same ' +
    'key between t + lowerMs and t + upperMs, emitting { key, left, right }. With kind left or ' +
    'outer, an event that met no partner is emitted with null once the watermark closes its ' +
    'interval. Events older than the watermark go to `late`.',
  config: {
    kind: {
      kind: 'enum',
      values: ['inner', 'left', 'outer'],
      label: 'Kind',
      doc: 'inner: matches only; left: also unmatched left events; outer: unmatched of both sides.',
      default: 'inner',
    },
    lowerMs: {
      kind: 'number',
      label: 'Lower bound (ms)',
      doc: 'A right event matches from the left time plus this (may be negative).',
      default: 0,
    },
    upperMs: {
      kind: 'number',
      label: 'Upper bound (ms)',
      doc: 'A right event matches up to the left time plus this; not below the lower bound.',
      default: 60000,
    },
    watermarkDelayMs: {
      kind: 'number',
      label: 'Watermark delay (ms)',
      doc: 'How far behind the newest event time to wait for out-of-order events.',
      default: 0,
      min: 0,
    },
    idleTimeoutMs: inputIdleTimeout,
    maxBuffered: {
      kind: 'number',
      label: 'Max buffered events',
      doc: 'The most events held on both sides at once; one more stops the run with a clear message.',
      default: 100000,
      min: 1,
      integer: true,
    },
  },
  ports: () => ({ inputs: ['left', 'right'], outputs: ['out', 'late'] }),
  runsUserCode: false,
  changesKey: false,
  check(config) {
    const lower = Number(config.lowerMs ?? 0);
    const upper = Number(config.upperMs ?? 60000);
    if (upper < lower)
      return [{ field: 'upperMs', message: 'upperMs must not be below lowerMs (no event could match).' }];
    return [];
  },
  create: (ctx) => new JoinOperator(ctx),
};

class JoinOperator implements Operator {
  private readonly joinKind: JoinKind;
  private readonly lower: number;
  private readonly upper: number;
  private readonly max: number;
  private readonly clock: EventClock;
  private readonly keys = new Map<string | null, Sides>();
  /** Buffered events by time, per side, to drop them as the watermark passes. */
  private readonly lefts = new MinHeap<Entry>(olderFirst);
  private readonly rights = new MinHeap<Entry>(olderFirst);
  private seq = 0;
  private readonly idPrefix: string;

  constructor(private readonly ctx: OperatorContext) {
    const c = ctx.config;
    this.joinKind = (c.kind as JoinKind | undefined) ?? 'inner';
    this.lower = Number(c.lowerMs ?? 0);
    this.upper = Number(c.upperMs ?? 60000);
    this.max = Math.max(1, Math.floor(Number(c.maxBuffered ?? 100000)));
    this.clock = new EventClock(ctx.inputCount, Number(c.watermarkDelayMs ?? 0));
    this.idPrefix = ctx.nodeId + ':';
  }

  process(e: SluiceEvent, port: string, out: Emitter, input: number): void {
    if (e.time < this.clock.watermark) {
      this.ctx.countLate(1);
      out.emit('late', e);
      return;
    }
    if (this.lefts.size + this.rights.size >= this.max) {
      throw new UserError(
        `join "${this.ctx.nodeId}" holds ${this.max} events waiting for partners (maxBuffered). ` +
          'Narrow lowerMs..upperMs, lower watermarkDelayMs, raise maxBuffered, or give a quiet input an idleTimeoutMs so the watermark advances.',
      );
    }
    this.add({ e, left: port !== 'right', matched: false, seq: this.seq++ }, out);
    if (this.clock.seen(input, e.time)) this.expire(out);
  }

  onWatermark(wm: number, input: number, idle: boolean, out: Emitter): number {
    if (this.clock.signal(input, wm, idle)) this.expire(out);
    return this.forwarded();
  }

  onEnd(out: Emitter): void {
    this.clock.end();
    this.expire(out);
  }

  /** Match an arriving event against the other side of its key, then buffer it. */
  private add(entry: Entry, out: Emitter): void {
    const e = entry.e;
    let sides = this.keys.get(e.key);
    if (sides === undefined) this.keys.set(e.key, (sides = { left: [], right: [] }));
    if (entry.left) {
      const from = e.time + this.lower;
      const to = e.time + this.upper;
      for (const r of sides.right) if (r.e.time >= from && r.e.time <= to) this.match(entry, r, out);
      sides.left.push(entry);
      this.lefts.push(entry);
    } else {
      const from = e.time - this.upper;
      const to = e.time - this.lower;
      for (const l of sides.left) if (l.e.time >= from && l.e.time <= to) this.match(l, entry, out);
      sides.right.push(entry);
      this.rights.push(entry);
    }
  }

  private match(l: Entry, r: Entry, out: Emitter): void {
    l.matched = true;
    r.matched = true;
    this.emit(l.e, r.e, out);
  }

  private emit(l: SluiceEvent | null, r: SluiceEvent | null, out: Emitter): void {
    const any = (l ?? r) as SluiceEvent;
    out.emit('out', {
      id: this.idPrefix + (l?.id ?? '') + '+' + (r?.id ?? ''),
      key: any.key,
      time: Math.max(l?.time ?? -Infinity, r?.time ?? -Infinity),
      value: { key: any.key, left: l === null ? null : l.value, right: r === null ? null : r.value },
      emittedAt: Math.max(l?.emittedAt ?? 0, r?.emittedAt ?? 0),
    });
  }

  /** Drop what the watermark closed, emitting the unmatched ones the kind asks for, oldest first. */
  private expire(out: Emitter): void {
    const wm = this.clock.watermark;
    this.ctx.reportWatermark(wm);
    for (let top = this.lefts.peek(); top !== undefined && top.e.time + this.upper < wm; top = this.lefts.peek()) {
      this.lefts.pop();
      this.drop(top);
      if (!top.matched && this.joinKind !== 'inner') this.emit(top.e, null, out);
    }
    for (let top = this.rights.peek(); top !== undefined && top.e.time - this.lower < wm; top = this.rights.peek()) {
      this.rights.pop();
      this.drop(top);
      if (!top.matched && this.joinKind === 'outer') this.emit(null, top.e, out);
    }
  }

  private drop(entry: Entry): void {
    const sides = this.keys.get(entry.e.key);
    if (sides === undefined) return;
    const list = entry.left ? sides.left : sides.right;
    const at = list.indexOf(entry);
    if (at >= 0) list.splice(at, 1);
    if (sides.left.length === 0 && sides.right.length === 0) this.keys.delete(entry.e.key);
  }

  /** The watermark downstream: held at the oldest event that may still go out unmatched. */
  private forwarded(): number {
    let wm = this.clock.watermark;
    if (this.joinKind !== 'inner') {
      const l = this.lefts.peek();
      if (l !== undefined && l.e.time < wm) wm = l.e.time;
    }
    if (this.joinKind === 'outer') {
      const r = this.rights.peek();
      if (r !== undefined && r.e.time < wm) wm = r.e.time;
    }
    return wm;
  }

  snapshot(): unknown {
    const all = [...this.lefts.toArray(), ...this.rights.toArray()].sort((a, b) => a.seq - b.seq);
    const snap: JoinSnapshot = {
      clock: this.clock.snapshot(),
      entries: all.map((x) => [x.left, x.matched, x.e]),
    };
    return snap;
  }

  restore(state: unknown): void {
    const s = state as Partial<JoinSnapshot> | null;
    this.clock.restore(s?.clock);
    this.keys.clear();
    this.lefts.clear();
    this.rights.clear();
    this.seq = 0;
    for (const [left, matched, e] of s?.entries ?? []) {
      const entry: Entry = { e, left, matched, seq: this.seq++ };
      let sides = this.keys.get(e.key);
      if (sides === undefined) this.keys.set(e.key, (sides = { left: [], right: [] }));
      (left ? sides.left : sides.right).push(entry);
      (left ? this.lefts : this.rights).push(entry);
    }
    if (Number.isFinite(this.clock.watermark)) this.ctx.reportWatermark(this.clock.watermark);
  }

  stateSize(): number {
    return this.lefts.size + this.rights.size;
  }
}
