import { describe, expect, it } from 'vitest';
import { EncodedEvent, peekValue, valueJson, withKey } from '../../../../engine/contract/event.js';

describe('EncodedEvent.peekValue', () => {
  it('decodes once and keeps the text, so a sink writes the bytes it received', () => {
    const text = '{"seq":1,  "amount":12.5}';
    const e = new EncodedEvent('e1', 'k', 1, text, 0);
    const peeked = peekValue(e) as { seq: number };
    expect(peeked).toEqual({ seq: 1, amount: 12.5 });
    expect(peekValue(e)).toBe(peeked);
    expect(e.json).toBe(text);
    expect(valueJson(e)).toBe(text);
    expect((withKey(e, 'other') as EncodedEvent).json).toBe(text);
  });

  it('reading `value` after a peek gives the same object and ends the text', () => {
    const e = new EncodedEvent('e1', null, 1, '{"seq":1}', 0);
    const peeked = peekValue(e);
    const read = e.value as { seq: number };
    expect(read).toBe(peeked);
    read.seq = 2;
    expect(e.json).toBeUndefined();
    expect(valueJson(e)).toBe('{"seq":2}');
    expect(peekValue(e)).toBe(read);
  });

  it('a plain event peeks its value', () => {
    const value = { seq: 1 };
    expect(peekValue({ id: 'e', key: null, time: 0, value, emittedAt: 0 })).toBe(value);
  });
});
