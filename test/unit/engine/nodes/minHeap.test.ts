import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../../../engine/nodes/minHeap.js';

describe('MinHeap', () => {
  it('pops items in ascending order whatever the push order', () => {
    const h = new MinHeap<number>((a, b) => a < b);
    const input = [5, 3, 9, 1, 1, 7, 2, 8, 6, 4, 0];
    for (const x of input) h.push(x);
    const out: number[] = [];
    while (h.size > 0) out.push(h.pop()!);
    expect(out).toEqual([...input].sort((a, b) => a - b));
    expect(h.pop()).toBeUndefined();
  });

  it('peeks without removing', () => {
    const h = new MinHeap<number>((a, b) => a < b);
    h.push(2);
    h.push(1);
    expect(h.peek()).toBe(1);
    expect(h.size).toBe(2);
  });
});
