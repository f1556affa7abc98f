/**
 * Fixed-size latency histogram: 100 buckets, four per doubling of microseconds (1 µs … ~33 s).
 * Recording is one Math.log2 and an increment; merging is adding arrays. Percentiles are read
 * as the upper bound of the bucket that holds them (≤ 19% high, never low).
 */
export const HISTOGRAM_BUCKETS = 100;

export function newHistogram(): number[] {
  return new Array<number>(HISTOGRAM_BUCKETS).fill(0);
}

export function recordLatency(h: number[], ms: number): void {
  const us = ms * 1000;
  let i = us <= 1 ? 0 : Math.floor(4 * Math.log2(us));
  if (i >= HISTOGRAM_BUCKETS) i = HISTOGRAM_BUCKETS - 1;
  h[i] = (h[i] as number) + 1;
}

/** Upper bound in ms of bucket i. */
const bucketUpperMs = (i: number): number => Math.pow(2, (i + 1) / 4) / 1000;

export function percentile(h: readonly number[], p: number): number | null {
  let total = 0;
  for (const c of h) total += c;
  if (total === 0) return null;
  const rank = Math.ceil(total * p);
  let seen = 0;
  for (let i = 0; i < h.length; i++) {
    seen += h[i] as number;
    if (seen >= rank) return bucketUpperMs(i);
  }
  return bucketUpperMs(h.length - 1);
}

export function addInto(into: number[], from: readonly number[]): void {
  for (let i = 0; i < from.length; i++) into[i] = (into[i] as number) + (from[i] as number);
}

export function subtract(a: readonly number[], b: readonly number[]): number[] {
  return a.map((v, i) => v - ((b[i] as number) ?? 0));
}
