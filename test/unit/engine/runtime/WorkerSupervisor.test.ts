import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planGraph } from '../../../../engine/compiler/planGraph.js';
import type { ExecutionPlan } from '../../../../engine/compiler/ExecutionPlan.js';
import { nodeRegistry } from '../../../../engine/nodes/registry.js';
import { PoisonTracker } from '../../../../engine/runtime/PoisonTracker.js';
import type { WorkerFact } from '../../../../engine/runtime/protocol.js';
import { RestartBudget, type RestartLimits } from '../../../../engine/runtime/RestartBudget.js';
import { WorkerSupervisor } from '../../../../engine/runtime/WorkerSupervisor.js';
import { graphOf } from './runGraph.js';

/** gen → fn → console, fused on one worker; `code` is the function body. */
function planOf(code: string, count = 20): ExecutionPlan {
  return planGraph(
    graphOf({
      settings: { checkpointIntervalMs: 0 },
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count } },
        { id: 'fn', type: 'function', config: { code } },
        { id: 'out', type: 'sink.console' },
      ],
      edges: ['gen -> fn', 'fn -> out'],
    }),
    nodeRegistry,
    { maxWorkers: 1 },
  );
}

interface Seen {
  facts: WorkerFact[];
  started: number;
  restarting: string[];
  respawned: number;
  gaveUp: string[];
}

let live: WorkerSupervisor[] = [];
afterEach(() => {
  for (const s of live) s.shutdown();
  live = [];
});

function supervise(plan: ExecutionPlan, limits: RestartLimits, hangTimeoutMs = 10_000) {
  const seen: Seen = { facts: [], started: 0, restarting: [], respawned: 0, gaveUp: [] };
  const s = new WorkerSupervisor({
    plan,
    baseDir: mkdtempSync(join(tmpdir(), 'sluice-supervisor-')),
    statePath: null,
    metricsIntervalMs: 50,
    hangTimeoutMs,
    budget: new RestartBudget(limits),
    poison: new PoisonTracker(plan),
    fact: (f) => seen.facts.push(f),
    started: () => seen.started++,
    restarting: (reason) => seen.restarting.push(reason),
    respawned: () => seen.respawned++,
    gaveUp: (reason) => seen.gaveUp.push(reason),
    restorePoint: () => null,
  });
  live.push(s);
  return { s, seen };
}

const until = async (what: () => boolean, ms = 20_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('WorkerSupervisor', () => {
  it('starts a generation, says when every worker has started, and passes their facts on', async () => {
    const { s, seen } = supervise(planOf('return value;'), { restarts: 1, windowMs: 60_000 });
    s.spawn(null);
    expect(s.size).toBe(1);
    expect(s.ready).toBe(false);
    await until(() => seen.started === 1);
    expect(s.ready).toBe(true);
    await until(() => seen.facts.some((f) => f.type === 'taskEnded'));
    expect(seen.facts.some((f) => f.type === 'consoleWritten')).toBe(true);
  });

  it('replaces the whole generation once per death and ignores the exits of the threads it ended', async () => {
    const { s, seen } = supervise(planOf('return value;', 1e9), { restarts: 2, windowMs: 60_000 });
    s.spawn(null);
    await until(() => seen.started === 1);
    s.crash();
    await until(() => seen.started === 2);
    expect(seen.restarting).toHaveLength(1);
    expect(seen.restarting[0]).toMatch(/^worker 0 exited \(code 1\)/);
    expect(seen.respawned).toBe(1);
    expect(seen.gaveUp).toEqual([]);
  });

  it('finds a hung worker on its own timer, names the event in flight, and sets it aside the second time', async () => {
    const { s, seen } = supervise(
      planOf('if (value.seq === 5) { while (true) {} } return value;'),
      { restarts: 3, windowMs: 60_000 },
      1000,
    );
    s.spawn(null);
    await until(() => seen.facts.some((f) => f.type === 'taskEnded'));
    expect(seen.restarting).toEqual([
      'worker 0 stopped responding for 1 s (a node\'s code may never return) at node "fn"',
      'worker 0 stopped responding for 1 s (a node\'s code may never return) at node "fn" (the same event 2 times: it goes to the dead letters)',
    ]);
    const letters = seen.facts.flatMap((f) => (f.type === 'deadLettered' ? f.rows : []));
    expect(letters).toEqual([
      expect.objectContaining({
        nodeId: 'fn',
        error: 'this event hung its worker for 1 s on 2 attempts, so it was set aside',
        event: expect.objectContaining({ id: 'gen-5', value: { seq: 5 } }),
      }),
    ]);
  }, 30_000);

  it('gives up once when the budget is spent, and stays quiet after', async () => {
    const { s, seen } = supervise(planOf('process.exit(3);'), { restarts: 0, windowMs: 60_000 });
    s.spawn(null);
    await until(() => seen.gaveUp.length > 0);
    expect(seen.gaveUp).toEqual(['worker 0 exited (code 3) at node "fn"; gave up after 0 restarts within 60 s']);
    s.shutdown();
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.gaveUp).toHaveLength(1);
    expect(seen.restarting).toEqual([]);
    expect(s.size).toBe(0);
  });
});
