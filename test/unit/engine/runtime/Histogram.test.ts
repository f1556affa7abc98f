import { describe, expect, it } from 'vitest';
import { addInto, newHistogram, percentile, recordLatency, subtract } from '../../../../engine/runtime/Histogram.js';

describe('Histogram', () => {
  it('reads a percentile as the upper bound of its bucket, never below the true value and at most 19% above', () => {
    const h = newHistogram();
    for (let i = 1; i <= 1000; i++) recordLatency(h, i / 100); // 0.01 … 10 ms
    const p50 = percentile(h, 0.5)!;
    const p99 = percentile(h, 0.99)!;
    expect(p50).toBeGreaterThanOrEqual(5);
    expect(p50).toBeLessThanOrEqual(5 * 1.19);
    expect(p99).toBeGreaterThanOrEqual(9.9);
    expect(p99).toBeLessThanOrEqual(9.9 * 1.19);
  });

  it('has no percentile before any sample', () => {
    expect(percentile(newHistogram(), 0.5)).toBeNull();
  });

  it('merges by adding and takes a window by subtracting cumulative histograms', () => {
    const a = newHistogram();
    const b = newHistogram();
    recordLatency(a, 1);
    recordLatency(b, 100);
    const sum = newHistogram();
    addInto(sum, a);
    addInto(sum, b);
    expect(percentile(sum, 1)!).toBeGreaterThanOrEqual(100);
    expect(percentile(subtract(sum, b), 1)!).toBeLessThan(2);
  });
});
