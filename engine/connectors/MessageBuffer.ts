import type { BrokerMessage } from '../contract/connector.js';

/** Messages a source's client has received and the graph has not taken yet, at most. */
export const BUFFER_HIGH_WATER = 4096;

/**
 * Between a client's callbacks and `BrokerReader.take`: a bounded queue. The client side
 * `push`es and, when `full`, waits on `room()` before asking the broker for more, so a slow
 * graph holds the broker back instead of filling memory. The first message into an empty
 * buffer calls `onReadable` (the source's `ctx.wake`), never from inside `take`.
 */
export class MessageBuffer {
  private items: BrokerMessage[] = [];
  private head = 0;
  private waiting: Array<() => void> = [];

  constructor(
    private readonly onReadable: () => void,
    readonly highWater = BUFFER_HIGH_WATER,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  get full(): boolean {
    return this.size >= this.highWater;
  }

  push(m: BrokerMessage): void {
    const wasEmpty = this.size === 0;
    this.items.push(m);
    if (wasEmpty) this.onReadable();
  }

  take(max: number): BrokerMessage[] {
    const n = Math.min(max, this.size);
    if (n === 0) return [];
    const out = this.items.slice(this.head, this.head + n);
    this.head += n;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (!this.full && this.waiting.length > 0) {
      const w = this.waiting;
      this.waiting = [];
      for (const resolve of w) resolve();
    }
    return out;
  }

  /** Resolves once the buffer is below its high water (at once if it is). */
  room(): Promise<void> {
    if (!this.full) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Wake whoever waits for room (the reader is closing). */
  release(): void {
    const w = this.waiting;
    this.waiting = [];
    for (const resolve of w) resolve();
  }
}
