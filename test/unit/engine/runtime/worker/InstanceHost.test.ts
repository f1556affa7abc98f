import { describe, expect, it } from 'vitest';
import type { Emitter, Operator, SluiceEvent } from '../../../../../engine/contract/index.js';
import { InstanceHost } from '../../../../../engine/runtime/worker/InstanceHost.js';
import { OutChannel } from '../../../../../engine/runtime/worker/OutChannel.js';
import { ev, hostOf, planInstance, servicesFor, tinyPlan } from './workerParts.js';

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

  it('samples each of two fan-out fused edges for latency (1 in 128) and size (1 in 1024), by its own count', () => {
    const plan = tinyPlan(['a', 'b', 'c']);
    const { services, inFlight, metrics } = servicesFor(plan);
    const seen: Array<[number, number, number]> = [];
    const a = hostOf(services, 'a', 0, passOn(inFlight, seen));
    const b = hostOf(services, 'b', 1, { process() {} });
    const c = hostOf(services, 'c', 2, { process() {} });
    a.routes['out'] = [
      { kind: 'fused', edgeIndex: 0, target: b, port: 'in', check: null },
      { kind: 'fused', edgeIndex: 1, target: c, port: 'in', check: null },
    ];
    const counters = metrics.counters;
    const latencySamples = (edge: number) => (counters.edgeLatency[edge] as number[]).reduce((s, n) => s + n, 0);
    for (let i = 0; i < 256; i++) a.deliver(ev(i), 'in', 0);
    // Both edges, not every sample on the second one (a count shared by the routes did that).
    expect([latencySamples(0), latencySamples(1)]).toEqual([2, 2]);
    const size = counters.edgeBytes[0] as number;
    expect(size).toBeGreaterThan(0);
    expect(counters.edgeBytes[1]).toBe(size);
    for (let i = 256; i < 1152; i++) a.deliver(ev(i), 'in', 0);
    expect(latencySamples(0)).toBe(9);
    // Sized at the 128th event and again at the 1152nd (an id one digit longer), each standing for 1024.
    expect((counters.edgeBytes[0] as number) / size).toBeGreaterThan(2);
    expect((counters.edgeBytes[0] as number) / size).toBeLessThan(2.1);
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

  it('forwards the minimum over its inputs that are not idle, never backwards, down fused hops and onto channels', () => {
    const plan = tinyPlan(['a', 'b', 'c']);
    const { services, metrics } = servicesFor(plan);
    const pass: Operator = { process: (e, _p, out) => out.emit('out', e) };
    const a = new InstanceHost({ ...planInstance('a', 0), inputCount: 2 }, 1, services);
    a.attach(pass);
    const b = hostOf(services, 'b', 1, pass);
    const sent: Array<[number, boolean]> = [];
    const ch = new OutChannel(
      0,
      1,
      16,
      () => undefined,
      (c) => c.kind === 'watermark' && sent.push([c.time, c.idle]),
    );
    a.routes['out'] = [{ kind: 'fused', edgeIndex: 0, target: b, port: 'in', check: null }];
    b.routes['out'] = [{ kind: 'single', edgeIndex: 1, channel: ch, check: null, ahead: null }];
    const step = (input: number, wm: number, idle: boolean): void => {
      a.inputWatermark(input, wm, idle);
      ch.flush(); // one at a time: unsent ones with no event between would be coalesced
    };
    step(0, 10, false);
    expect(b.outWatermark).toBe(Number.NEGATIVE_INFINITY); // input 1 not heard from
    step(1, 7, false);
    step(1, 12, false);
    step(1, 3, false); // never backwards
    step(0, 20, false);
    step(1, 12, true); // idle: input 0 alone, at 20
    expect(sent).toEqual([
      [7, false],
      [10, false],
      [12, false],
      [20, false],
    ]);
    expect(metrics.counters.edgeWatermark.slice(0, 2)).toEqual([20, 20]);
    step(0, 25, true); // every input idle: the outputs are idle, at what they had
    expect(sent.at(-1)).toEqual([20, true]);
    expect(metrics.counters.edgeIdle[1]).toBe(true);
  });

  it('holds a watermark while its operator has output waiting in pump, and sends it once drained', () => {
    const plan = tinyPlan(['a', 'b']);
    const { services } = servicesFor(plan);
    let pending = true;
    const a = hostOf(services, 'a', 0, {
      process: () => undefined,
      pump: () => undefined,
      hasPending: () => pending,
    });
    const b = hostOf(services, 'b', 1, { process: () => undefined });
    a.routes['out'] = [{ kind: 'fused', edgeIndex: 0, target: b, port: 'in', check: null }];
    a.inputWatermark(0, 50, false);
    expect([a.watermarkHeld, b.outWatermark]).toEqual([true, Number.NEGATIVE_INFINITY]);
    pending = false;
    a.sendWatermark();
    expect([a.watermarkHeld, b.outWatermark]).toEqual([false, 50]);
  });
});
