import type { SluiceEvent } from '../../contract/index.js';
import { wallNow } from '../clock.js';
import type { ChannelControl } from '../protocol.js';

/**
 * Events that crossed a thread still in their batch's encoding: decoded when first taken, after
 * their credit went back, so the sender's next batch does not wait for this one's decoding.
 */
class Undecoded {
  private decoded: SluiceEvent[] | null = null;
  private valueTexts: string[] | null = null;
  constructor(
    readonly length: number,
    private readonly decode: () => SluiceEvent[],
    private readonly texts: (() => string[]) | null,
    /** The contract every event of the batch passed where it was sent (`EncodedBatch.c`). */
    readonly checked: string | undefined,
  ) {}

  get events(): SluiceEvent[] {
    return (this.decoded ??= this.decode());
  }

  /** The values' texts, while no event was made (then the events are the truth). */
  get textsOnly(): string[] | null {
    if (this.decoded !== null || this.texts === null) return null;
    return (this.valueTexts ??= this.texts());
  }
}

type Item = SluiceEvent[] | Undecoded | ChannelControl;

const holdsEvents = (item: Item | undefined): item is SluiceEvent[] | Undecoded =>
  item !== undefined && (Array.isArray(item) || item instanceof Undecoded);

/**
 * The receiving end of a channel: a FIFO of event batches and control markers. The task reads
 * events from it until a control marker reaches the head; the task then decides (barrier
 * alignment, end of stream) and pops it. Consumed events are returned as credit to the sender.
 */
export class InChannel {
  private readonly items: Item[] = [];
  private head = 0;
  /** Events waiting (not yet consumed). */
  queued = 0;
  ended = false;
  /** The watermark signal last popped from this channel (−∞ before any), and whether the sender is idle. */
  watermark = Number.NEGATIVE_INFINITY;
  idle = false;
  /** When events or a watermark last arrived (barriers do not count: a quiet source sends those too). */
  lastHeardAt = wallNow();
  private unreturned = 0;
  /**
   * Events taken from the queue after which their credit goes back mid-turn: a quarter of the
   * capacity, under the half a sender across threads sends per turn (`OutChannel.room`), so
   * each of its batches is paid back as it is taken.
   */
  private readonly payBackAt: number;

  constructor(
    readonly id: number,
    readonly edgeIndex: number,
    readonly port: string,
    readonly input: number,
    readonly capacity: number,
    private readonly returnCredit: (n: number) => void,
  ) {
    this.payBackAt = Math.max(1, capacity >> 2);
  }

  pushEvents(events: SluiceEvent[]): void {
    if (events.length === 0) return;
    this.lastHeardAt = wallNow();
    this.items.push(events);
    this.queued += events.length;
  }

  /**
   * `length` events that `decode` makes when they are first taken (a batch from another thread:
   * its credit goes back before the decoding, see `consume`).
   */
  pushEncoded(
    length: number,
    decode: () => SluiceEvent[],
    texts: (() => string[]) | null = null,
    checked?: string,
  ): void {
    if (length === 0) return;
    this.lastHeardAt = wallNow();
    this.items.push(new Undecoded(length, decode, texts, checked));
    this.queued += length;
  }

  pushControl(control: ChannelControl): void {
    if (control.kind === 'watermark') this.lastHeardAt = wallNow();
    this.items.push(control);
  }

  /** Nothing waits on the channel (no events, no markers). */
  get empty(): boolean {
    return this.items.length === 0;
  }

  /** The control marker at the head, if the head is one. */
  peekControl(): ChannelControl | null {
    const first = this.items[0];
    return first !== undefined && !holdsEvents(first) ? first : null;
  }

  popControl(): ChannelControl {
    const c = this.items.shift() as ChannelControl;
    if (c.kind === 'end') this.ended = true;
    else if (c.kind === 'watermark') {
      if (c.time > this.watermark) this.watermark = c.time;
      this.idle = c.idle;
    }
    return c;
  }

  hasEvents(): boolean {
    return holdsEvents(this.items[0]);
  }

  /**
   * Hand up to `max` events at the head to `each`, stopping at a control marker. Returns how
   * many were consumed. Events leave the queue when they are taken, before `each` sees them:
   * once a quarter of the capacity has been taken, its credit goes back at once, so the sender
   * makes its next batch while this one is processed (the queue still never holds more than
   * `capacity`; what is being processed is one turn's worth).
   */
  consume(max: number, each: (e: SluiceEvent) => void): number {
    let n = 0;
    while (n < max) {
      const first = this.items[0];
      if (!holdsEvents(first)) break;
      const start = this.head;
      const end = this.take(first.length, max - n);
      n += end - start;
      const events = Array.isArray(first) ? first : first.events;
      for (let i = start; i < end; i++) each(events[i] as SluiceEvent);
    }
    return n;
  }

  /**
   * `consume` for a receiver that takes values' texts (`Operator.processValueTexts`): up to
   * `max` events of the batch at the head, if it is one that crossed a thread undecoded (and,
   * when `contract` is given, that every event of it passed that contract where it was sent),
   * handed to `each` as their values' texts. Returns how many were taken: 0 when the head is
   * anything else, for `consume` to take.
   */
  consumeTexts(
    max: number,
    contract: string | undefined,
    each: (texts: readonly string[], from: number, to: number) => void,
  ): number {
    const first = this.items[0];
    if (!(first instanceof Undecoded) || (contract !== undefined && first.checked !== contract)) return 0;
    const texts = first.textsOnly;
    if (texts === null) return 0;
    const start = this.head;
    const end = this.take(first.length, max);
    each(texts, start, end);
    return end - start;
  }

  /**
   * Up to `max` events of the head batch (of `length`) leave the queue: the head moves past
   * them (or the batch goes), and their credit goes back once a quarter of the capacity is due.
   * Returns where they end in the batch.
   */
  private take(length: number, max: number): number {
    const start = this.head;
    const end = start + Math.min(max, length - start);
    if (end === length) {
      this.items.shift();
      this.head = 0;
    } else {
      this.head = end;
    }
    this.queued -= end - start;
    this.unreturned += end - start;
    if (this.unreturned >= this.payBackAt) {
      const credit = this.unreturned;
      this.unreturned = 0;
      this.returnCredit(credit);
    }
    return end;
  }

  /** Return consumed events as credit; batched to a quarter of capacity to keep messages few. */
  flushCredit(force: boolean): void {
    if (this.unreturned > 0 && (force || this.unreturned >= Math.max(1, this.capacity >> 2) || this.queued === 0)) {
      const n = this.unreturned;
      this.unreturned = 0;
      this.returnCredit(n);
    }
  }
}
