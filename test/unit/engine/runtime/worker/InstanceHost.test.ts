import { describe, expect, it } from 'vitest';
import type { Emitter, Operator, SluiceEvent } from '../../../../../engine/contract/index.js';
import { ev, hostOf, servicesFor, tinyPlan } from './workerParts.js';

/** An operator that passes events on, recording what the in-flight cell said as each arrived. */
function passOn(cell: Float64Array, seen: Array<[number, number, number]>): Operator {
  return {
    process(e: SluiceEvent, _port: string, out: Emitter) {
      seen.push([(e.value as { seq: number }).seq, cell[0]!, cell[1]!]);
      out.emit('out', e);
    },
  };
}

describe('InstanceHost', () => {
  it('writes its slot and the event’s position to the in-flight cell before the operator runs, at every fused hop', () => {
    const plan = tinyPlan(['a', 'b']);
    const { services, inFlight, metrics } = servicesFor(plan);
    const seen: Array<[number, number, number]> = [];
    const a = hostOf(services, 'a', 0, passOn(inFlight, seen));
    const b = hostOf(services, 'b', 1, passOn(inFlight, seen));
    a.routes['out'] = [{ kind: 'fused', edgeIndex: 0, target: b, port: 'in', check: null }];
    a.deliver(ev(0), 'in', 0);
    a.deliver(ev(1), 'in', 0);
    // [seq, slot, position]: a is slot 1, b slot 2; each counts its own stream.
    expect(seen).toEqual([
      [0, 1, 1],
      [0, 2, 1],
      [1, 1, 2],
      [1, 2, 2],
    ]);
    expect(metrics.counters.edgeEvents[0]).toBe(2);
    expect([a.taken, b.taken]).toEqual([2, 2]);
  });

  it('sets aside the events at its skip positions with their reasons and processes the rest', () => {
    const plan = tinyPlan(['a']);
    const { services, inFlight, recorded } = servicesFor(plan);
    const seen: Array<[number, number, number]> = [];
    const a = hostOf(services, 'a', 0, passOn(inFlight, seen));
    a.setSkips([
      { at: 4, reason: 'second' },
      { at: 2, reason: 'first' },
    ]);
    for (let i = 0; i < 5; i++) a.deliver(ev(i), 'in', 0);
    expect(seen.map(([seq]) => seq)).toEqual([0, 2, 4]);
    expect(recorded.setAside.map((s) => [s.event.id, s.reason])).toEqual([
      ['ev-1', 'first'],
      ['ev-3', 'second'],
    ]);
    expect(a.received).toBe(5);
    expect(a.setAsideCount).toBe(2);
    expect(a.taken).toBe(3);
  });

  it('delivers a replayed dead letter outside the numbered stream', () => {
    const plan = tinyPlan(['a']);
    const { services, inFlight } = servicesFor(plan);
    const seen: Array<[number, number, number]> = [];
    const a = hostOf(services, 'a', 0, passOn(inFlight, seen));
    a.deliver(ev(0), 'in', 0);
    a.deliverReplayed(ev(9), 'in');
    a.deliver(ev(1), 'in', 0);
    expect(seen).toEqual([
      [0, 1, 1],
      [9, 0, 1],
      [1, 1, 2],
    ]);
    expect(a.taken).toBe(3);
  });

  it('holds a source as a source: its task polls it, and a delivery to it is refused', () => {
    const plan = tinyPlan(['s']);
    const { services } = servicesFor(plan);
    const s = hostOf(services, 's', 0, { kind: 'source', poll: () => 'end', snapshot: () => null, restore: () => {} });
    expect(s.source).not.toBeNull();
    expect(() => s.deliver(ev(0), 'in', 0)).toThrow('a source has no input');
  });

  it('gives its operator a context whose timers go to its worker', () => {
    const plan = tinyPlan(['a']);
    const { services, recorded } = servicesFor(plan);
    const a = hostOf(services, 'a', 0, { process() {} });
    const ctx = a.context();
    ctx.setTimer(1234);
    expect(recorded.timers).toEqual([{ node: 'a', at: 1234 }]);
    expect(ctx.isConnected('out')).toBe(false);
  });
});
