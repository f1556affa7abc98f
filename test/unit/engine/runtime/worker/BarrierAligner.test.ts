import { describe, expect, it } from 'vitest';
import type { ChannelControl, WorkerFact } from '../../../../../engine/runtime/protocol.js';
import { BarrierAligner } from '../../../../../engine/runtime/worker/BarrierAligner.js';
import { InChannel } from '../../../../../engine/runtime/worker/InChannel.js';
import { OutChannel } from '../../../../../engine/runtime/worker/OutChannel.js';
import { SnapshotEncoder } from '../../../../../engine/runtime/worker/SnapshotEncoder.js';
import { Task } from '../../../../../engine/runtime/worker/Task.js';
import { ev, hostOf, servicesFor, tinyPlan } from './workerParts.js';

/** A task with `inputs` channels into one counting operator, and one output whose controls are logged. */
function fixture(inputs: number) {
  const plan = tinyPlan(['m']);
  const { services } = servicesFor(plan);
  let count = 0;
  const host = hostOf(services, 'm', 0, {
    process: () => void count++,
    snapshot: () => ({ count }),
  });
  const ins = Array.from({ length: inputs }, (_, i) => new InChannel(i, 0, 'in', i, 16, () => undefined));
  const sent: ChannelControl[] = [];
  const out = new OutChannel(
    9,
    0,
    16,
    () => undefined,
    (c) => sent.push(c),
  );
  const task = new Task(0, host, [host], ins, [out]);
  const facts: WorkerFact[] = [];
  const aligner = new BarrierAligner(
    new SnapshotEncoder(
      (f) => facts.push(f),
      { host: null },
      () => undefined,
    ),
  );
  const snapshots = () =>
    facts.flatMap((f) => (f.type === 'snapshotTaken' ? [{ id: f.checkpointId, received: f.received }] : []));
  const flush = (): ChannelControl[] => {
    out.flush();
    return sent.splice(0);
  };
  return { task, ins, aligner, snapshots, flush, host };
}

describe('BarrierAligner', () => {
  it('holds an input whose barrier arrived until it is at the head of every open input, then snapshots and forwards it once', () => {
    const { task, ins, aligner, snapshots, flush } = fixture(2);
    ins[0]!.pushControl({ kind: 'barrier', checkpointId: 1 });
    ins[1]!.pushEvents([ev(0)]);
    ins[1]!.pushControl({ kind: 'barrier', checkpointId: 1 });
    expect(aligner.handleInputs(task)).toBe(false);
    expect(snapshots()).toEqual([]);
    // The event before input 1's barrier is consumed; then both barriers are at the heads.
    ins[1]!.consume(10, (e) => task.root.deliver(e, 'in', 1));
    expect(aligner.handleInputs(task)).toBe(true);
    expect(snapshots()).toEqual([{ id: 1, received: 1 }]);
    expect(flush()).toEqual([{ kind: 'barrier', checkpointId: 1 }]);
    expect(ins.every((ch) => ch.peekControl() === null)).toBe(true);
    aligner.snapshot(task, 1);
    expect(snapshots()).toHaveLength(1);
  });

  it('pops end-of-stream and aligns over the inputs still open', () => {
    const { task, ins, aligner, snapshots } = fixture(2);
    ins[0]!.pushControl({ kind: 'end' });
    ins[1]!.pushControl({ kind: 'barrier', checkpointId: 3 });
    expect(aligner.handleInputs(task)).toBe(true);
    expect(ins[0]!.ended).toBe(true);
    expect(snapshots()).toEqual([{ id: 3, received: 0 }]);
  });

  it('snapshots a checkpoint in flight when upstream ended before it could pass the barrier on', () => {
    const { task, ins, aligner, snapshots } = fixture(1);
    aligner.trigger([task], 5);
    expect(snapshots()).toEqual([]);
    ins[0]!.pushControl({ kind: 'end' });
    aligner.handleInputs(task);
    aligner.inputsEnded(task);
    expect(snapshots()).toEqual([{ id: 5, received: 0 }]);
  });

  it('does not snapshot a completed checkpoint again when the inputs end', () => {
    const { task, ins, aligner, snapshots } = fixture(1);
    aligner.trigger([task], 5);
    aligner.complete(5);
    ins[0]!.pushControl({ kind: 'end' });
    aligner.handleInputs(task);
    aligner.inputsEnded(task);
    expect(snapshots()).toEqual([]);
  });

  it('at a trigger, snapshots the tasks whose inputs have all ended and leaves the others to their barriers', () => {
    const open = fixture(1);
    const done = fixture(1);
    done.ins[0]!.pushControl({ kind: 'end' });
    done.aligner.handleInputs(done.task);
    open.aligner.trigger([open.task], 2);
    done.aligner.trigger([done.task], 2);
    expect(open.snapshots()).toEqual([]);
    expect(done.snapshots()).toEqual([{ id: 2, received: 0 }]);
  });

  it('sends end-of-stream as the last control, after the barriers', () => {
    const { task, aligner, flush } = fixture(1);
    aligner.snapshot(task, 1);
    aligner.end(task);
    expect(flush()).toEqual([{ kind: 'barrier', checkpointId: 1 }, { kind: 'end' }]);
  });

  it('after a restore, stands every task at the restored checkpoint', () => {
    const { task, aligner, snapshots } = fixture(1);
    aligner.restored([task], 4);
    aligner.snapshot(task, 4);
    expect(snapshots()).toEqual([]);
    expect(task.lastSnapshot).toBe(4);
  });
});
