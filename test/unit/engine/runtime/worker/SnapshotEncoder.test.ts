import { describe, expect, it } from 'vitest';
import type { WorkerFact } from '../../../../../engine/runtime/protocol.js';
import { SnapshotEncoder } from '../../../../../engine/runtime/worker/SnapshotEncoder.js';
import { decodeState } from '../../../../../engine/store/stateCodec.js';
import { ev, hostOf, servicesFor, tinyPlan } from './workerParts.js';

type Taken = Extract<WorkerFact, { type: 'snapshotTaken' }>;

function encoder() {
  const facts: Taken[] = [];
  let wakes = 0;
  const current = { host: null };
  const e = new SnapshotEncoder(
    (f) => {
      if (f.type === 'snapshotTaken') facts.push(f);
    },
    current,
    () => void wakes++,
  );
  return { e, facts, current, wakes: () => wakes };
}

describe('SnapshotEncoder', () => {
  it('posts a snapshot whose output is made durable in the background once that settles', async () => {
    const plan = tinyPlan(['sink']);
    const { services } = servicesFor(plan);
    let settle: () => void = () => undefined;
    const sealing = new Promise<void>((resolve) => (settle = resolve));
    const sink = hostOf(services, 'sink', 0, { process() {}, snapshot: () => undefined, durable: () => sealing });
    const { e, facts } = encoder();
    e.snapshot([sink], 4);
    await Promise.resolve();
    expect(facts).toEqual([]);
    settle();
    await sealing;
    await Promise.resolve();
    expect(facts.map((f) => [f.instance, f.checkpointId])).toEqual([['sink#0', 4]]);
  });

  it('posts every host’s snapshot encoded, with its stream position, in order', () => {
    const plan = tinyPlan(['a', 'b']);
    const { services } = servicesFor(plan);
    const a = hostOf(services, 'a', 0, { process() {}, snapshot: () => ({ n: 1 }) });
    const b = hostOf(services, 'b', 1, { process() {} });
    a.deliver(ev(0), 'in', 0);
    a.deliver(ev(1), 'in', 0);
    const { e, facts, current } = encoder();
    e.snapshot([a, b], 3);
    expect(facts.map((f) => [f.instance, f.checkpointId, f.received, decodeState(f.state)])).toEqual([
      ['a#0', 3, 2, { n: 1 }],
      ['b#0', 3, 0, undefined],
    ]);
    expect(facts[0]!.bytes).toBe(facts[0]!.state.byteLength);
    expect(current.host).toBeNull();
    expect(e.pending).toBe(false);
  });

  it('encodes a handed-over snapshot in slices over later calls and posts it when the last slice is done', () => {
    const plan = tinyPlan(['agg']);
    const { services } = servicesFor(plan);
    const keys = Array.from({ length: 100_000 }, (_, i) => `key-${i}`);
    const values = keys.map((_, i) => i);
    const agg = hostOf(services, 'agg', 0, {
      process() {},
      snapshotOwned: true,
      snapshot: () => ({ keys, values }),
    });
    const { e, facts, wakes } = encoder();
    e.snapshot([agg], 1);
    expect(facts).toEqual([]);
    expect(e.pending).toBe(true);
    expect(wakes()).toBe(1);
    let calls = 0;
    while (e.pending) {
      e.encodeSlices();
      calls++;
    }
    expect(calls).toBeGreaterThan(1);
    expect(facts).toHaveLength(1);
    expect(decodeState(facts[0]!.state)).toEqual({ keys, values });
    expect(facts[0]!.pauseMs).toBeGreaterThanOrEqual(0);
  });
});
