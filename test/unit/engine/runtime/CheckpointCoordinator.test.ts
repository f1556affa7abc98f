import { describe, expect, it } from 'vitest';
import { planGraph } from '../../../../engine/compiler/planGraph.js';
import { nodeRegistry } from '../../../../engine/nodes/registry.js';
import {
  CheckpointCoordinator,
  type CheckpointCoordinatorDeps,
} from '../../../../engine/runtime/CheckpointCoordinator.js';
import { MemoryCheckpointStorage } from '../../../../engine/runtime/CheckpointStorage.js';
import type { WorkerCommand, WorkerFact } from '../../../../engine/runtime/protocol.js';
import type { CheckpointWrite } from '../../../../engine/store/StateStore.js';
import { encodeState } from '../../../../engine/store/stateCodec.js';
import { graphOf } from './runGraph.js';

const plan = planGraph(
  graphOf({
    settings: { checkpointIntervalMs: 50 },
    nodes: [
      { id: 'gen', type: 'source.generator', config: { count: 10 } },
      { id: 'out', type: 'sink.console', parallelism: 2 },
    ],
    edges: ['gen -> out'],
  }),
  nodeRegistry,
  { maxWorkers: 2 },
);
const INSTANCES = Object.keys(plan.instances);

/** A store whose next write fails, as a full disk would. */
class FailingOnce extends MemoryCheckpointStorage {
  failNext = false;
  override writeCheckpoint(cp: CheckpointWrite): { bytes: number } {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk full');
    }
    return super.writeCheckpoint(cp);
  }
}

function harness(over: Partial<CheckpointCoordinatorDeps> = {}) {
  const storage = new FailingOnce();
  const sent: WorkerCommand[] = [];
  const log = {
    durable: [] as Array<[number, Map<string, number>]>,
    committed: [] as Array<[number, boolean]>,
    errors: [] as string[],
    finalFailed: [] as string[],
  };
  const cc = new CheckpointCoordinator({
    plan,
    storage,
    restore: null,
    broadcast: (cmd) => sent.push(cmd),
    workers: () => 2,
    ready: () => true,
    durable: (id, received) => log.durable.push([id, new Map(received)]),
    committed: (id, final) => log.committed.push([id, final]),
    finalFailed: (reason) => log.finalFailed.push(reason),
    logError: (m) => log.errors.push(m),
    ...over,
  });
  /** Every instance snapshots checkpoint `id` at stream position `received`. */
  const snapshotAll = (id: number, received = 0, setAside = 0): void => {
    for (const instance of INSTANCES) {
      const state = encodeState({ at: received });
      const f: Extract<WorkerFact, { type: 'snapshotTaken' }> = {
        type: 'snapshotTaken',
        checkpointId: id,
        instance,
        state,
        bytes: state.byteLength,
        pauseMs: 1,
        received,
        setAside,
      };
      cc.snapshotTaken(f);
    }
  };
  return { cc, storage, sent, log, snapshotAll };
}

describe('CheckpointCoordinator', () => {
  it('takes a checkpoint from trigger to commit: one write when every instance snapshotted, commit after every worker', () => {
    const { cc, storage, sent, log, snapshotAll } = harness();
    cc.trigger(false);
    expect(sent).toEqual([{ type: 'triggerCheckpoint', checkpointId: 1 }]);
    expect(cc.idle).toBe(false);
    snapshotAll(1, 5);
    expect(storage.latestCheckpoint()?.id).toBe(1);
    expect(sent.at(-1)).toEqual({ type: 'completeCheckpoint', checkpointId: 1 });
    expect(log.durable).toEqual([[1, new Map(INSTANCES.map((k) => [k, 5]))]]);
    cc.committedBy(1, 0);
    expect(log.committed).toEqual([]);
    cc.committedBy(1, 1);
    expect(log.committed).toEqual([[1, false]]);
    expect(cc.idle).toBe(true);
    expect(cc.latestId).toBe(1);
    expect(cc.metrics()).toMatchObject({ count: 1, lastId: 1, lastPauseMs: 1 });
  });

  it('triggers nothing while workers restart, and only one checkpoint at a time', () => {
    let ready = false;
    const { cc, sent } = harness({ ready: () => ready });
    cc.trigger(false);
    expect(sent).toEqual([]);
    ready = true;
    cc.trigger(false);
    cc.trigger(true);
    expect(sent).toEqual([{ type: 'triggerCheckpoint', checkpointId: 1 }]);
  });

  it('keeps the previous checkpoint and its dead letters when a write fails, then moves past the failed id', () => {
    const { cc, storage, sent, log, snapshotAll } = harness();
    const letter = { nodeId: 'out', error: 'boom', event: { id: 'a', key: null, time: 0, value: 1 } };
    cc.addDeadLetters([letter]);
    storage.failNext = true;
    cc.trigger(false);
    snapshotAll(1);
    expect(log.errors).toEqual(['checkpoint 1 failed: disk full']);
    expect(storage.latestCheckpoint()).toBeNull();
    expect(cc.idle).toBe(true);
    cc.trigger(false);
    expect(sent.at(-1)).toEqual({ type: 'triggerCheckpoint', checkpointId: 2 });
    snapshotAll(2);
    expect(storage.listDeadLetters().map((d) => d.error)).toEqual(['boom']);
    cc.dispose();
  });

  it('fails the run when the final checkpoint cannot be written', () => {
    const { cc, storage, log, snapshotAll } = harness();
    storage.failNext = true;
    cc.trigger(true);
    snapshotAll(1);
    expect(log.finalFailed).toEqual(['the final checkpoint could not be written: disk full']);
  });

  it('counts what sinks committed, across restarts, without the events received again or set aside', () => {
    const { cc, snapshotAll } = harness();
    cc.trigger(false);
    snapshotAll(1, 100);
    cc.committedBy(1, 0);
    cc.committedBy(1, 1);
    // Received 60 more, then the workers die: those 60 are not committed.
    cc.restarting();
    expect(cc.committedEvents()).toEqual({ out: 200 });
    // The new generation counts from the restored checkpoint: 30 each, one of them set aside.
    cc.trigger(false);
    snapshotAll(2, 30, 1);
    expect(cc.committedEvents()).toEqual({ out: 200 + 2 * 29 });
  });

  it('schedules the first checkpoint of a generation soon and the next after the interval', async () => {
    const { cc, sent } = harness();
    cc.schedule(true);
    await new Promise((r) => setTimeout(r, 120));
    expect(sent).toEqual([{ type: 'triggerCheckpoint', checkpointId: 1 }]);
    cc.dispose();
    cc.schedule();
    await new Promise((r) => setTimeout(r, 120));
    expect(sent).toHaveLength(1);
  });

  it('restores a restart from the prepared checkpoint until it has written one of its own', () => {
    const storage = new MemoryCheckpointStorage();
    const restore = { checkpointId: 7, states: {} };
    const { cc, snapshotAll } = harness({ storage, restore });
    expect(cc.restorePoint()).toBe(restore);
    cc.trigger(false);
    snapshotAll(8);
    expect(cc.restorePoint()?.checkpointId).toBe(8);
  });
});
