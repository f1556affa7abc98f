import { describe, expect, it } from 'vitest';
import { formatHeldPartitions } from '../../../../renderer/live/format.js';

describe('formatHeldPartitions', () => {
  it('names the partitions a group member’s canvas sums, neighbours as ranges, many as a count', () => {
    expect(formatHeldPartitions([0, 2], 4)).toBe('partitions 0, 2 of 4 on this member');
    expect(formatHeldPartitions([3], 4)).toBe('partition 3 of 4 on this member');
    expect(formatHeldPartitions([0, 1, 2, 3, 4, 5], 6)).toBe('partitions 0–5 of 6 on this member');
    expect(formatHeldPartitions([0, 1, 5, 7, 8, 9], 12)).toBe('partitions 0, 1, 5, 7–9 of 12 on this member');
    expect(formatHeldPartitions([], 6)).toBe('0 of 6 partitions on this member');
    const scattered = Array.from({ length: 40 }, (_, i) => i * 3);
    expect(formatHeldPartitions(scattered, 128)).toBe('40 of 128 partitions on this member');
  });
});
