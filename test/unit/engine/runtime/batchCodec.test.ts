import { describe, expect, it } from 'vitest';
import type { SluiceEvent } from '../../../../engine/contract/index.js';
import { decodeBatch, encodeBatch } from '../../../../engine/runtime/batchCodec.js';

const ev = (id: string, key: string | null, value: unknown): SluiceEvent => ({
  id,
  key,
  time: 1.5,
  value,
  emittedAt: 2.25,
});

describe('batchCodec', () => {
  it('round-trips ids, keys (null included), times, emission stamps and JSON values', () => {
    const events = [ev('a-0', 'k0', { x: [1, 'two', null] }), ev('a-1', null, 'text'), ev('a-2', '', 3)];
    expect(decodeBatch(encodeBatch(events))).toEqual(events);
  });

  it('falls back to JSON when an id or key contains the separators, and still round-trips', () => {
    const events = [ev('a\u0000b', 'k\u0001', 1), ev('c', '\u0002', 2)];
    const enc = encodeBatch(events);
    expect(enc.j).toBe(true);
    expect(decodeBatch(enc)).toEqual(events);
  });

  it('encodes an empty batch', () => {
    expect(decodeBatch(encodeBatch([]))).toEqual([]);
  });
});
