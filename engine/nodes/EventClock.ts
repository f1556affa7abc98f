import type { FieldSchema } from '../contract/descriptor.js';

/**
 * `idleTimeoutMs` of an event-time node (window, reorder, join), read by the runtime: an input
 * channel that brought no events and no watermark for this long is idle and stops holding the
 * node's watermark back, until it sends again (SPEC §12's idleness, for inputs).
 */
export const inputIdleTimeout: FieldSchema = {
  kind: 'number',
  label: 'Input idle timeout (ms)',
  doc: 'An input silent this long (no events, no watermark) stops holding the watermark back. Empty: never.',
  min: 1,
};

/** What an EventClock snapshot holds: per input, max time seen and signal (null: −∞), idleness. */
export interface EventClockState {
  seen: Array<number | null>;
  signals: Array<number | null>;
  idle: boolean[];
  watermark: number | null;
}

/**
 * The watermark of an event-time operator (SPEC §12), for reorder and join:
 * 1. per input, the larger of its watermark signal and the max event time seen on it;
 * 2. the minimum of those over the inputs that are not idle (an input never heard from holds it
 *    at −∞), minus the operator's `watermarkDelayMs`;
 * 3. it never goes back (while every input is idle it stays where it was).
 */
export class EventClock {
  private seenTimes: number[];
  private signals: number[];
  private idle: boolean[];
  /** The watermark: events older than it are late. */
  watermark = Number.NEGATIVE_INFINITY;

  constructor(
    inputs: number,
    private readonly delay: number,
  ) {
    const n = Math.max(1, inputs);
    this.seenTimes = new Array<number>(n).fill(Number.NEGATIVE_INFINITY);
    this.signals = new Array<number>(n).fill(Number.NEGATIVE_INFINITY);
    this.idle = new Array<boolean>(n).fill(false);
  }

  /** An event at `t` arrived on `input`. True if the watermark moved. */
  seen(input: number, t: number): boolean {
    this.grow(input);
    if (this.idle[input]) this.idle[input] = false;
    else if (!(t > (this.seenTimes[input] as number))) return false;
    if (t > (this.seenTimes[input] as number)) this.seenTimes[input] = t;
    return this.recompute();
  }

  /** A watermark signal on `input` (idle or not). True if the watermark moved. */
  signal(input: number, wm: number, idle: boolean): boolean {
    this.grow(input);
    if (wm > (this.signals[input] as number)) this.signals[input] = wm;
    this.idle[input] = idle;
    return this.recompute();
  }

  /** Every input ended: nothing is late any more, everything held may go. */
  end(): void {
    this.watermark = Number.POSITIVE_INFINITY;
  }

  snapshot(): EventClockState {
    const orNull = (t: number): number | null => (Number.isFinite(t) ? t : null);
    return {
      seen: this.seenTimes.map(orNull),
      signals: this.signals.map(orNull),
      idle: [...this.idle],
      watermark: orNull(this.watermark),
    };
  }

  restore(s: Partial<EventClockState> | undefined): void {
    const n = this.seenTimes.length;
    const num = (a: unknown, i: number): number => {
      const v = Array.isArray(a) ? (a[i] as unknown) : null;
      return typeof v === 'number' ? v : Number.NEGATIVE_INFINITY;
    };
    this.seenTimes = Array.from({ length: n }, (_, i) => num(s?.seen, i));
    this.signals = Array.from({ length: n }, (_, i) => num(s?.signals, i));
    this.idle = Array.from({ length: n }, (_, i) => s?.idle?.[i] === true);
    this.watermark = typeof s?.watermark === 'number' ? s.watermark : Number.NEGATIVE_INFINITY;
    this.recompute();
  }

  private grow(input: number): void {
    while (input >= this.seenTimes.length) {
      this.seenTimes.push(Number.NEGATIVE_INFINITY);
      this.signals.push(Number.NEGATIVE_INFINITY);
      this.idle.push(false);
    }
  }

  private recompute(): boolean {
    let min = Number.POSITIVE_INFINITY;
    let active = false;
    for (let i = 0; i < this.seenTimes.length; i++) {
      if (this.idle[i]) continue;
      active = true;
      const t = this.seenTimes[i] as number;
      const s = this.signals[i] as number;
      const w = s > t ? s : t;
      if (w < min) min = w;
    }
    if (!active) return false;
    const wm = min - this.delay;
    if (!(wm > this.watermark)) return false;
    this.watermark = wm;
    return true;
  }
}
