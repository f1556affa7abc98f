import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeState } from '../../../../engine/store/stateCodec.js';
import { StateStore } from '../../../../engine/store/StateStore.js';
import { CheckedGraph } from '../../../../engine/runtime/CheckedGraph.js';
import { MemoryCheckpointStorage } from '../../../../engine/runtime/CheckpointStorage.js';
import { prepareRun } from '../../../../engine/runtime/prepareRun.js';
import { graphOf } from './runGraph.js';

function checked(parallelism = 1): CheckedGraph {
  const r = CheckedGraph.check(
    graphOf({
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 3 } },
        { id: 'agg', type: 'aggregate', parallelism, config: { op: 'count' } },
        { id: 'out', type: 'sink.console' },
      ],
      edges: ['gen -> agg', 'agg -> out'],
    }),
  );
  if (!r.ok) throw new Error('fixture graph is invalid');
  return r.checked;
}

/** A store holding one checkpoint of `graph`'s plan, with state for every instance. */
function storeWithCheckpoint(path: string, c: CheckedGraph): number {
  const p = prepareRun(c, { statePath: path, maxWorkers: 1 });
  const snapshots = Object.values(p.plan.instances).map((i) => ({
    operatorId: i.operatorId,
    instance: i.index,
    nodeId: i.nodeId,
    type: i.type,
    configHash: p.plan.nodes[i.nodeIndex]!.configHash,
    state: encodeState({ some: 'state' }),
  }));
  const id = p.storage.nextCheckpointId();
  p.storage.writeCheckpoint({ id, startedAt: Date.now(), snapshots });
  p.storage.close();
  return id;
}

describe('prepareRun', () => {
  it('plans the graph and starts fresh in memory without a state path', () => {
    const p = prepareRun(checked(), { maxWorkers: 2 });
    expect(p.storage).toBeInstanceOf(MemoryCheckpointStorage);
    expect(p.plan.nodes.map((n) => n.id)).toEqual(['gen', 'agg', 'out']);
    expect(p).toMatchObject({ restore: null, resumedFrom: null, notes: [] });
  });

  it('opens the state store and picks its latest checkpoint as the restore point, matched to the plan', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-prepare-'));
    const path = join(dir, 'state.db');
    const id = storeWithCheckpoint(path, checked());
    const p = prepareRun(checked(), { statePath: path, maxWorkers: 1 });
    try {
      expect(p.storage).toBeInstanceOf(StateStore);
      expect(p.resumedFrom).toBe(id);
      expect(p.restore?.checkpointId).toBe(id);
      expect(Object.keys(p.restore!.states).sort()).toEqual(['agg#0', 'gen#0', 'out#0']);
    } finally {
      p.storage.close();
    }
  });

  it('refuses state it cannot use, and leaves the store closed (its lock released)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-prepare-'));
    const path = join(dir, 'state.db');
    storeWithCheckpoint(path, checked(1));
    expect(() => prepareRun(checked(2), { statePath: path, maxWorkers: 1 })).toThrow(/parallelism 1 .* now has 2/);
    const again = prepareRun(checked(1), { statePath: path, maxWorkers: 1 });
    again.storage.close();
    expect(existsSync(path)).toBe(true);
  });

  it('starts empty with fresh, whatever the store held', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-prepare-'));
    const path = join(dir, 'state.db');
    storeWithCheckpoint(path, checked(1));
    const p = prepareRun(checked(2), { statePath: path, fresh: true, maxWorkers: 1 });
    p.storage.close();
    expect(p.restore).toBeNull();
  });
});
