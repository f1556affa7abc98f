import { describe, expect, it } from 'vitest';
import { keyBy } from '../../../../engine/nodes/keyBy.js';
import { Harness, ev } from './harness.js';

describe('keyBy', () => {
  it('sets the key to the expression result as a string and keeps the rest', () => {
    const h = new Harness(keyBy, { key: 'value.user' });
    h.push([ev({ user: 42 }, { id: 'a', key: null, time: 1, emittedAt: 2 }), ev({ user: 'bob' })]);
    expect(h.out.on('out')[0]).toEqual({ id: 'a', key: '42', time: 1, value: { user: 42 }, emittedAt: 2 });
    expect(h.out.on('out')[1]?.key).toBe('bob');
  });

  it('declares that it changes the key', () => {
    expect(keyBy.changesKey).toBe(true);
  });

  it('sends a throwing key expression to the error port when connected', () => {
    const h = new Harness(keyBy, { key: 'value.a.b' }, { connected: ['out', 'error'] });
    h.push(ev(null));
    expect(h.out.on('error')).toHaveLength(1);
    expect(h.out.on('out')).toHaveLength(0);
  });
});
