import { describe, expect, it } from 'vitest';
import { EncodedEvent, valueJson, withKey, type SluiceEvent } from '../../../../engine/contract/index.js';
import { compileEventExpression } from '../../../../engine/nodes/eventExpression.js';

const encoded = (): EncodedEvent => new EncodedEvent('e-1', 'k1', 10, '{"user":"ada","n":2}', 0);

describe('compileEventExpression', () => {
  it('leaves a value encoded when the expression names neither value nor event', () => {
    const e = encoded();
    expect(compileEventExpression('key + ":" + time')(e)).toBe('k1:10');
    expect(e.json).toBe('{"user":"ada","n":2}');
    // keyBy's new event keeps the text too.
    expect(valueJson(withKey(e, 'k2'))).toBe('{"user":"ada","n":2}');
  });

  it('decodes the value for an expression that reads it', () => {
    const e = encoded();
    expect(compileEventExpression('value.user')(e)).toBe('ada');
    expect(e.json).toBeUndefined();
  });

  it('gives user code naming `event` a plain object it can spread', () => {
    const e = encoded();
    expect(compileEventExpression('({ ...event }).value.n')(e)).toBe(2);
    expect(compileEventExpression('Object.keys(event).join()')(e)).toBe('id,key,time,value,emittedAt');
  });

  it('errs towards decoding: an escaped name counts as every name', () => {
    const e = encoded();
    expect(compileEventExpression('\\u0076alue.n')(e)).toBe(2);
  });

  it('passes plain events as they are', () => {
    const e: SluiceEvent = { id: 'a', key: null, time: 1, value: { n: 1 }, emittedAt: 0 };
    expect(compileEventExpression('event === event && value.n')(e)).toBe(1);
  });
});
