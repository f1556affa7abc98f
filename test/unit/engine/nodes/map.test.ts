import { describe, expect, it } from 'vitest';
import { map } from '../../../../engine/nodes/map.js';
import { Harness, ev } from './harness.js';

describe('map', () => {
  it('replaces the value and keeps id, key, time and emittedAt', () => {
    const h = new Harness(map, { expression: '{ doubled: value.n * 2, k: key, t: time, id: event.id }' });
    h.push(ev({ n: 21 }, { id: 'a', key: 'x', time: 5, emittedAt: 7 }));
    expect(h.out.on('out')).toEqual([
      { id: 'a', key: 'x', time: 5, value: { doubled: 42, k: 'x', t: 5, id: 'a' }, emittedAt: 7 },
    ]);
  });

  it('builds output events with the five fields in the same order as the input', () => {
    const h = new Harness(map, { expression: 'value' });
    h.push(ev(1));
    expect(Object.keys(h.out.on('out')[0]!)).toEqual(['id', 'key', 'time', 'value', 'emittedAt']);
  });

  it('sends a throwing event to the error port as { event, error, node } when it is connected', () => {
    const h = new Harness(map, { expression: 'value.a.b' }, { nodeId: 'm', connected: ['out', 'error'] });
    h.push(ev({}, { id: 'bad', key: 'k1', time: 3, emittedAt: 9 }));
    h.push(ev({ a: { b: 1 } }));
    expect(h.out.values()).toEqual([1]);
    const [failed] = h.out.on('error');
    expect(failed?.value).toEqual({
      event: { id: 'bad', key: 'k1', time: 3, value: {} },
      error: expect.stringMatching(/undefined/),
      node: 'm',
    });
    expect(h.ctx.errors).toBe(1);
    expect(h.ctx.deadLetters).toEqual([]);
  });

  it('dead-letters a throwing event when the error port is not connected', () => {
    const h = new Harness(map, { expression: '(() => { throw new Error("nope") })()' }, { connected: ['out'] });
    const e = ev(1);
    h.push(e);
    expect(h.out.emitted).toEqual([]);
    expect(h.ctx.deadLetters).toEqual([{ event: e, error: 'nope' }]);
    expect(h.ctx.errors).toBe(1);
  });

  it('has in, out and error ports and runs user code', () => {
    expect(map.ports({})).toEqual({ inputs: ['in'], outputs: ['out', 'error'] });
    expect(map.runsUserCode).toBe(true);
  });
});
