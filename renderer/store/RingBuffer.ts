/**
 * A fixed-size ring of numbers: the newest `capacity` values of one metric series. Pushing past
 * capacity overwrites the oldest value, so a run that lasts a day holds as much as one that lasts
 * a minute (no unbounded arrays in the live view).
 */
export class RingBuffer {
  private readonly data: Float64Array;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`RingBuffer capacity must be a positive integer, not ${capacity}`);
    this.data = new Float64Array(capacity);
  }

  /** How many values are held (≤ capacity). */
  get length(): number {
    return this.count;
  }

  push(value: number): void {
    this.data[this.head] = value;
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** The i-th oldest value held (0 = oldest). */
  at(i: number): number | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.data[(this.head - this.count + i + this.capacity) % this.capacity];
  }

  last(): number | undefined {
    return this.at(this.count - 1);
  }

  /** The values, oldest first (a copy). */
  toArray(): number[] {
    const out = new Array<number>(this.count);
    for (let i = 0; i < this.count; i++)
      out[i] = this.data[(this.head - this.count + i + this.capacity) % this.capacity]!;
    return out;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}
