import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GraphFile, NodeDescriptor } from '../../../../../engine/contract/index.js';
import { planGraph } from '../../../../../engine/compiler/planGraph.js';
import { nodeRegistry } from '../../../../../engine/nodes/registry.js';
import { PROTOCOL_VERSION, type StartWorker, type WorkerFact } from '../../../../../engine/runtime/protocol.js';
import { makeStoreIo } from '../../../../../engine/runtime/worker/storeIo.js';
import { WorkerRuntime } from '../../../../../engine/runtime/worker/WorkerRuntime.js';
import { encodeState } from '../../../../../engine/store/stateCodec.js';
import { graphOf } from '../runGraph.js';

let runtimes: WorkerRuntime[] = [];
afterEach(() => {
  for (const r of runtimes) r.shutdown();
  runtimes = [];
});

/** A one-worker run of `graph` in this thread; the coordinator's side is the list of facts. */
function inProcess(
  graph: GraphFile,
  over: Partial<StartWorker> = {},
  registry: ReadonlyMap<string, NodeDescriptor> = nodeRegistry,
) {
  const plan = planGraph(graph, registry, { maxWorkers: 1 });
  const facts: WorkerFact[] = [];
  const start: StartWorker = {
    type: 'startWorker',
    protocol: PROTOCOL_VERSION,
    plan,
    schemas: [],
    worker: 0,
    baseDir: mkdtempSync(join(tmpdir(), 'sluice-worker-')),
    statePath: null,
    restore: null,
    ports: {},
    metricsIntervalMs: 50,
    progress: new SharedArrayBuffer(16),
    skip: [],
    ...over,
  };
  const rt = new WorkerRuntime(start, { post: (f) => facts.push(f), registry, makeIo: makeStoreIo });
  runtimes.push(rt);
  rt.open();
  const until = async (what: () => boolean): Promise<void> => {
    for (let i = 0; i < 500 && !what(); i++) await new Promise((r) => setTimeout(r, 10));
    if (!what()) throw new Error(`timed out; facts: ${facts.map((f) => f.type).join(', ')}`);
  };
  /** The values sink.console printed. */
  const lines = () =>
    facts.flatMap((f) =>
      f.type === 'consoleWritten' ? f.lines.map((l) => (JSON.parse(l) as { value: unknown }).value) : [],
    );
  return { rt, plan, facts, until, lines };
}

const chain = (count: number, code = 'return value.seq;') =>
  graphOf({
    nodes: [
      { id: 'gen', type: 'source.generator', config: { count } },
      { id: 'fn', type: 'function', config: { code } },
      { id: 'out', type: 'sink.console' },
    ],
    edges: ['gen -> fn', 'fn -> out'],
  });

describe('WorkerRuntime', () => {
  it('runs its tasks to the end, each reported ended once, and takes a checkpoint from trigger to commit', async () => {
    const w = inProcess(chain(50));
    await w.until(() => w.facts.some((f) => f.type === 'taskEnded'));
    expect(w.lines()).toHaveLength(50);
    expect(w.facts.filter((f) => f.type === 'taskEnded')).toHaveLength(w.plan.tasks.length);
    w.rt.command({ type: 'triggerCheckpoint', checkpointId: 1 });
    const taken = w.facts.flatMap((f) => (f.type === 'snapshotTaken' ? [f] : []));
    expect(taken.map((f) => f.instance).sort()).toEqual(Object.keys(w.plan.instances).sort());
    expect(taken.find((f) => f.instance === 'out#0')?.received).toBe(50);
    w.rt.command({ type: 'completeCheckpoint', checkpointId: 1 });
    expect(w.facts.at(-1)).toEqual({ type: 'checkpointCommitted', checkpointId: 1, worker: 0 });
  });

  it('sets aside the events the coordinator names as dead letters, and delivers the rest', async () => {
    const w = inProcess(chain(10), { skip: [{ instance: 'fn#0', at: 4, reason: 'it hung its worker twice' }] });
    await w.until(() => w.facts.some((f) => f.type === 'taskEnded'));
    expect(w.lines()).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9]);
    const letters = w.facts.flatMap((f) => (f.type === 'deadLettered' ? f.rows : []));
    expect(letters).toEqual([
      expect.objectContaining({
        nodeId: 'fn',
        error: 'it hung its worker twice',
        event: expect.objectContaining({ id: 'gen-3' }),
      }),
    ]);
  });

  it('resumes from the state it is started with', async () => {
    const plan = planGraph(chain(10), nodeRegistry, { maxWorkers: 1 });
    const states = Object.fromEntries(Object.keys(plan.instances).map((k) => [k, null])) as Record<
      string,
      Uint8Array | null
    >;
    states['gen#0'] = encodeState({ next: 7 });
    const w = inProcess(chain(10), { restore: { checkpointId: 3, states } });
    await w.until(() => w.facts.some((f) => f.type === 'taskEnded'));
    expect(w.lines()).toEqual([7, 8, 9]);
  });

  it('replays dead letters into their node, and refuses none into a source', async () => {
    const w = inProcess(
      graphOf({
        nodes: [
          { id: 'gen', type: 'source.generator', config: { ratePerSec: 1 } },
          { id: 'fn', type: 'function', config: { code: "return 'replayed ' + value.seq;" } },
          { id: 'out', type: 'sink.console' },
        ],
        edges: ['gen -> fn', 'fn -> out'],
      }),
    );
    await w.until(() => w.facts.some((f) => f.type === 'workerStarted') || w.lines().length > 0);
    const event = { id: 'x', key: null, time: 0, value: { seq: 42 } };
    w.rt.command({ type: 'injectEvents', nodeId: 'gen', events: [event] });
    w.rt.command({ type: 'injectEvents', nodeId: 'fn', events: [event] });
    await w.until(() => w.lines().includes('replayed 42'));
    expect(w.facts.some((f) => f.type === 'workerFailed')).toBe(false);
  });

  it('reports an operator that throws during a turn as the worker failing, naming its node', async () => {
    const w = inProcess(chain(10, 'if (value.seq === 3) throw new Error("x"); return value.seq;'));
    // The function's own error goes to its dead letters; a sink that throws fails the worker.
    await w.until(() => w.facts.some((f) => f.type === 'taskEnded'));
    expect(w.lines()).toHaveLength(9);
    // An operator (not user code) that throws fails the worker, naming its node.
    const explode: NodeDescriptor = {
      ...nodeRegistry.get('map')!,
      type: 'test.explode',
      create: () => ({
        process() {
          throw new Error('boom');
        },
      }),
    };
    const failing = inProcess(
      graphOf({
        nodes: [
          { id: 'gen', type: 'source.generator', config: { count: 3 } },
          { id: 'bad', type: 'test.explode', config: { expression: 'value' } },
          { id: 'out', type: 'sink.console' },
        ],
        edges: ['gen -> bad', 'bad -> out'],
      }),
      {},
      new Map([...nodeRegistry, ['test.explode', explode]]),
    );
    await failing.until(() => failing.facts.some((f) => f.type === 'workerFailed'));
    expect(failing.facts.find((f) => f.type === 'workerFailed')).toMatchObject({
      worker: 0,
      nodeId: 'bad',
      userError: false,
    });
  });
});
