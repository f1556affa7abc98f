import { afterEach, describe, expect, it } from 'vitest';
import { wallNow } from '../../../../../engine/runtime/clock.js';
import { InChannel } from '../../../../../engine/runtime/worker/InChannel.js';
import { Task } from '../../../../../engine/runtime/worker/Task.js';
import { WorkerTimers } from '../../../../../engine/runtime/worker/WorkerTimers.js';
import { hostOf, servicesFor, tinyPlan } from './workerParts.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let timers: WorkerTimers[] = [];
afterEach(() => {
  for (const t of timers) t.stop();
  timers = [];
});

function fixture() {
  const plan = tinyPlan(['src', 'w']);
  const { services, inFlight } = servicesFor(plan);
  const fired: Array<[string, number, number]> = [];
  const src = hostOf(
    services,
    'src',
    0,
    {
      kind: 'source',
      poll: () => 'idle',
      snapshot: () => null,
      restore: () => {},
      onTimer: () => void fired.push(['src', inFlight[0]!, wallNow()]),
    },
    0,
  );
  const w = hostOf(
    services,
    'w',
    1,
    { process() {}, onTimer: () => void fired.push(['w', inFlight[0]!, wallNow()]) },
    1,
  );
  const sourceTask = new Task(0, src, [src], [], []);
  const windowTask = new Task(1, w, [w], [new InChannel(0, 0, 'in', 0, 8, () => undefined)], []);
  let wakes = 0;
  const errors: unknown[] = [];
  const t = new WorkerTimers(
    [sourceTask, windowTask],
    { host: null },
    inFlight,
    () => void wakes++,
    (e) => errors.push(e),
  );
  timers.push(t);
  return { t, src, w, sourceTask, windowTask, fired, inFlight, wakes: () => wakes, errors };
}

describe('WorkerTimers', () => {
  it('calls onTimer of each instance whose timer is due, once, and asks for a turn', async () => {
    const { t, src, w, fired, wakes } = fixture();
    const now = wallNow();
    t.set(w, now + 30);
    t.set(src, now + 60);
    await sleep(200);
    expect(fired.map(([n]) => n)).toEqual(['w', 'src']);
    expect(fired[0]![2]).toBeGreaterThanOrEqual(now + 29);
    expect(wakes()).toBeGreaterThanOrEqual(2);
    expect(t.has(w)).toBe(false);
  });

  it('lets a later setTimer replace an earlier one', async () => {
    const { t, w, fired } = fixture();
    t.set(w, wallNow() + 20);
    t.set(w, wallNow() + 80);
    await sleep(50);
    expect(fired).toEqual([]);
    await sleep(120);
    expect(fired.map(([n]) => n)).toEqual(['w']);
  });

  it('ends a source’s idle wait when its timer fires', async () => {
    const { t, src, sourceTask } = fixture();
    sourceTask.sourceIdleUntil = Number.POSITIVE_INFINITY;
    t.set(src, wallNow() + 10);
    await sleep(80);
    expect(sourceTask.sourceIdleUntil).toBe(0);
  });

  it('runs timer code with no event in flight', async () => {
    const { t, w, fired, inFlight } = fixture();
    inFlight[0] = 2;
    inFlight[1] = 7;
    t.set(w, wallNow());
    await sleep(50);
    expect(fired[0]![1]).toBe(0);
  });

  it('fires nothing once stopped', async () => {
    const { t, w, fired } = fixture();
    t.set(w, wallNow() + 10);
    t.stop();
    await sleep(60);
    t.armAt(wallNow());
    await sleep(30);
    expect(fired).toEqual([]);
  });

  it('reports an operator that throws in onTimer as the worker failing', async () => {
    const { t, errors, fired } = fixture();
    const plan = tinyPlan(['x']);
    const { services } = servicesFor(plan);
    const bad = hostOf(services, 'x', 0, {
      process() {},
      onTimer: () => {
        throw new Error('timer broke');
      },
    });
    t.set(bad, wallNow());
    await sleep(50);
    expect(errors.map((e) => (e as Error).message)).toEqual(['timer broke']);
    expect(fired).toEqual([]);
  });
});
