import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../../../renderer/store/RingBuffer.js';

describe('RingBuffer', () => {
  it('keeps the newest capacity values, oldest first, without growing', () => {
    const r = new RingBuffer(3);
    for (let i = 1; i <= 5; i++) r.push(i);
    expect(r.length).toBe(3);
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect(r.at(0)).toBe(3);
    expect(r.last()).toBe(5);
    expect(r.at(3)).toBeUndefined();
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow();
  });
});
