import { describe, expect, it } from 'vitest';
import { sinkConsole } from '../../../../engine/nodes/sinkConsole.js';
import { Harness, ev } from './harness.js';

describe('sink.console', () => {
  it('prints the prefix and the JSON envelope of each event as it arrives', () => {
    const h = new Harness(sinkConsole, { prefix: 'alert: ' });
    h.push(ev({ a: 1 }, { id: 'x', key: 'k', time: 2, emittedAt: 5 }));
    expect(h.ctx.io.consoleLines).toEqual(['alert: {"id":"x","key":"k","time":2,"value":{"a":1}}']);
  });

  it('puts a space after a prefix that has none, so the prefix is not glued to the JSON', () => {
    const h = new Harness(sinkConsole, { prefix: 'ALERT' });
    h.push(ev(1, { id: 'z', key: null, time: 0 }));
    expect(h.ctx.io.consoleLines).toEqual(['ALERT {"id":"z","key":null,"time":0,"value":1}']);
  });

  it('prints without a prefix by default and stages nothing', () => {
    const h = new Harness(sinkConsole, {});
    h.push(ev(1, { id: 'y', key: null, time: 0 }));
    expect(h.ctx.io.consoleLines).toEqual(['{"id":"y","key":null,"time":0,"value":1}']);
    expect(h.op.snapshot).toBeUndefined();
  });
});
