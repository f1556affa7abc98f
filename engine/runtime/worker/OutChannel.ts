import type { SluiceEvent } from '../../contract/index.js';
import type { ChannelControl, WatermarkControl } from '../protocol.js';

/**
 * The sending end of a channel. Events are pushed to an outbox during a task's turn and sent
 * at the end of the turn as one batch, as far as credit allows (guarantee 2 of protocol.ts).
 * Control markers keep their place: a marker is sent only after every event pushed before it.
 */
export class OutChannel {
  private outbox: SluiceEvent[] = [];
  /** Controls waiting, each after `after` events (counted from the start of the outbox stream). */
  private controls: Array<{ after: number; control: ChannelControl }> = [];
  private pushed = 0;
  private sent = 0;
  credit: number;
  /** Time this channel's producer spent blocked on it (ms, cumulative), for backpressure. */
  blockedMs = 0;
  /**
   * The receiver's contract, when the producer checks every event against it before pushing
   * (`push` for one that passed, `pushUnchecked` for one that did not): a batch of events that
   * all passed is sent marked, and the receiver does not decode them to check again.
   */
  checkedAgainst: string | null = null;
  /** `pushed` after the last event that did not pass (0: none). */
  private uncheckedUpTo = 0;

  constructor(
    readonly id: number,
    readonly edgeIndex: number,
    readonly capacity: number,
    /**
     * `watermark`: the watermark that follows the batch, sent with it in one message (at most one
     * per batch); `checked`: the contract every event of the batch passed (see `checkedAgainst`).
     */
    private readonly sendEvents: (events: SluiceEvent[], watermark?: WatermarkControl, checked?: string) => void,
    private readonly sendControl: (control: ChannelControl) => void,
    /**
     * True when `sendEvents` is done with the array when it returns (it encodes the batch for
     * another thread): the outbox is then reused, not replaced, after each send.
     */
    private readonly sendCopies = false,
  ) {
    this.credit = capacity;
    // Across a thread hop every batch is a message and a wake-up of the receiver: waiting for
    // half the capacity's credit keeps batches whole. Taking a turn on whatever credit was
    // left made each batch half the last (512, 256, … 1 events) until credit came back: 6,000
    // messages for 1 M events, three in four under 256 events (standard pipeline, sink.file).
    // The receiver returns credit in steps of at least a quarter, and all of it once its queue
    // is empty, so the wait always ends. A turn fills at most this much (`room`): two batches
    // are then in flight, and the producer makes one while the other's credit comes back.
    this.minRoom = sendCopies ? Math.max(1, capacity >> 1) : 1;
  }

  /** The least room worth a turn of the producer (see the constructor). */
  readonly minRoom: number;

  push(e: SluiceEvent): void {
    this.outbox.push(e);
    this.pushed++;
  }

  /** An event that failed the receiver's contract: the batch holding it goes unmarked. */
  pushUnchecked(e: SluiceEvent): void {
    this.outbox.push(e);
    this.uncheckedUpTo = ++this.pushed;
  }

  pushControl(control: ChannelControl): void {
    this.controls.push({ after: this.pushed, control });
  }

  /**
   * A watermark after the events pushed so far. One not yet sent with no event pushed since is
   * replaced, so a channel carries at most one watermark per batch.
   */
  pushWatermark(time: number, idle: boolean): void {
    const last = this.controls[this.controls.length - 1];
    if (last !== undefined && last.after === this.pushed && last.control.kind === 'watermark') {
      last.control = { kind: 'watermark', time, idle };
      return;
    }
    this.controls.push({ after: this.pushed, control: { kind: 'watermark', time, idle } });
  }

  /** Events not yet sent. */
  get pending(): number {
    return this.outbox.length;
  }

  /** True when nothing waits to be sent (events or markers). */
  get drained(): boolean {
    return this.outbox.length === 0 && this.controls.length === 0;
  }

  /**
   * Room for more without exceeding credit. Across a thread hop a turn fills at most half the
   * capacity (the outbox holds only this turn's events: it is sent at the turn's end), so two
   * batches are in flight: the receiver's credit for one comes back while the next is made.
   */
  get room(): number {
    return (this.sendCopies && this.credit > this.minRoom ? this.minRoom : this.credit) - this.outbox.length;
  }

  addCredit(n: number): void {
    this.credit += n;
  }

  /** Send what credit allows, markers in place. */
  flush(): void {
    for (;;) {
      const nextControl = this.controls[0];
      const limit = nextControl ? nextControl.after - this.sent : this.outbox.length;
      const n = Math.min(limit, this.credit, this.outbox.length);
      if (n > 0) {
        const checked =
          this.checkedAgainst !== null && this.uncheckedUpTo <= this.sent ? this.checkedAgainst : undefined;
        this.credit -= n;
        this.sent += n;
        const after = this.controls[0];
        const withWatermark = after !== undefined && after.after === this.sent && after.control.kind === 'watermark';
        const watermark = withWatermark ? (after.control as WatermarkControl) : undefined;
        if (withWatermark) this.controls.shift();
        if (n === this.outbox.length && this.sendCopies) {
          this.sendEvents(this.outbox, watermark, checked);
          this.outbox.length = 0;
        } else {
          const batch = n === this.outbox.length ? this.outbox : this.outbox.slice(0, n);
          this.outbox = n === this.outbox.length ? [] : this.outbox.slice(n);
          this.sendEvents(batch, watermark, checked);
        }
        if (withWatermark) continue;
      }
      if (nextControl && nextControl.after === this.sent) {
        this.controls.shift();
        this.sendControl(nextControl.control);
        continue;
      }
      return;
    }
  }
}
