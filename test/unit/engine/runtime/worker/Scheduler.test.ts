import { afterEach, describe, expect, it } from 'vitest';
import type { Emitter, PollResult, SourceOperator } from '../../../../../engine/contract/index.js';
import type { ChannelControl } from '../../../../../engine/runtime/protocol.js';
import { wallNow } from '../../../../../engine/runtime/clock.js';
import { BarrierAligner } from '../../../../../engine/runtime/worker/BarrierAligner.js';
import { OutChannel } from '../../../../../engine/runtime/worker/OutChannel.js';
import { Scheduler } from '../../../../../engine/runtime/worker/Scheduler.js';
import { SnapshotEncoder } from '../../../../../engine/runtime/worker/SnapshotEncoder.js';
import { Task } from '../../../../../engine/runtime/worker/Task.js';
import { WorkerTimers } from '../../../../../engine/runtime/worker/WorkerTimers.js';
import { ev, hostOf, servicesFor, tinyPlan } from './workerParts.js';

const turns = () => new Promise((r) => setTimeout(r, 30));
let schedulers: Scheduler[] = [];
let timers: WorkerTimers[] = [];
afterEach(() => {
  for (const s of schedulers) s.stop();
  for (const t of timers) t.stop();
  schedulers = [];
  timers = [];
});

/** One source task (`poll` decides) into one output channel of `capacity`, whose traffic is logged. */
function sourceFixture(
  poll: (budget: number, out: Emitter, n: number) => PollResult,
  capacity = 8,
  config: Record<string, unknown> = {},
) {
  const plan = tinyPlan(['src', 'sink']);
  const { services, metrics, inFlight } = servicesFor(plan);
  const polls: number[] = [];
  let ended = 0;
  const source: SourceOperator = {
    kind: 'source',
    poll: (budget, out) => {
      polls.push(budget);
      return poll(budget, out, polls.length);
    },
    snapshot: () => null,
    restore: () => {},
  };
  const src = hostOf(services, 'src', 0, { ...source, onEnd: () => void ended++ } as SourceOperator, 0, config);
  const sent: Array<string | ChannelControl> = [];
  const watermarks: Array<{ time: number; idle: boolean; after: number }> = [];
  /** Events per batch message. */
  const batches: number[] = [];
  const out = new OutChannel(
    0,
    0,
    capacity,
    (events, wm) => {
      batches.push(events.length);
      sent.push(...events.map((e) => e.id));
      if (wm) watermarks.push({ time: wm.time, idle: wm.idle, after: sent.length });
    },
    // Watermarks are logged apart, with how many events went before them.
    (c) =>
      c.kind === 'watermark' ? watermarks.push({ time: c.time, idle: c.idle, after: sent.length }) : sent.push(c),
  );
  src.routes['out'] = [{ kind: 'single', edgeIndex: 0, channel: out, check: null, ahead: null }];
  const task = new Task(0, src, [src], [], [out]);
  const current = { host: null };
  const endedTasks: number[] = [];
  const errors: unknown[] = [];
  let scheduler: Scheduler | null = null;
  const wake = () => scheduler?.wake();
  const encoder = new SnapshotEncoder(() => undefined, current, wake);
  const t = new WorkerTimers([task], current, inFlight, wake, (e) => errors.push(e));
  timers.push(t);
  scheduler = new Scheduler({
    tasks: [task],
    ins: [],
    outs: [out],
    metrics,
    aligner: new BarrierAligner(encoder),
    encoder,
    timers: t,
    current,
    inFlight,
    fusedInto: new Map(),
    endTurn: () => undefined,
    taskEnded: (x) => endedTasks.push(x.id),
    fail: (e) => errors.push(e),
  });
  schedulers.push(scheduler);
  return { scheduler, task, out, sent, batches, watermarks, polls, endedTasks, errors, timers: t, ended: () => ended };
}

describe('Scheduler', () => {
  it('polls a source for no more events than its output has credit for, and stops when none is left', async () => {
    let i = 0;
    const f = sourceFixture((budget, out) => {
      for (let k = 0; k < budget; k++) out.emit('out', ev(i++));
      return 'more';
    }, 5);
    f.scheduler.wake();
    await turns();
    expect(f.polls[0]).toBe(5);
    // The receiver never returns credit: after the first 5 the task gets no more turns.
    expect(f.sent).toEqual(['ev-0', 'ev-1', 'ev-2', 'ev-3', 'ev-4']);
    expect(f.polls).toHaveLength(1);
    f.out.addCredit(2);
    f.scheduler.wake();
    await turns();
    expect(f.polls.slice(1)).toEqual([2]);
    expect(f.sent).toHaveLength(7);
  });

  it('polls a source whose chain keeps few of its events again in the same turn, so one message carries more', async () => {
    let i = 0;
    // One event out per 100 polled, as a selective filter fused after the source would let through.
    const f = sourceFixture((budget, out) => {
      for (let k = 0; k < budget && i < 40_000; k++) if (i++ % 100 === 0) out.emit('out', ev(i));
      return i >= 40_000 ? 'end' : 'more';
    }, 1024);
    f.scheduler.wake();
    for (let k = 0; k < 100 && f.endedTasks.length === 0; k++) await turns();
    expect(f.sent).toHaveLength(401); // and the end
    // Up to 8 polls a turn (the credit, never returned here, bounds each): a few batches of ~80,
    // not a batch of ~10 per poll.
    expect(f.polls.length).toBeGreaterThanOrEqual(40);
    expect(f.batches.length).toBeLessThanOrEqual(8);
    expect(Math.max(...f.batches)).toBeGreaterThanOrEqual(60);
  });

  it('polls a source that passes its events on once a turn: the first poll takes the credit', async () => {
    let i = 0;
    const f = sourceFixture((budget, out) => {
      for (let k = 0; k < budget; k++) out.emit('out', ev(i++));
      return 'more';
    }, 1024);
    f.scheduler.wake();
    await turns();
    expect(f.polls).toEqual([1024]);
    expect(f.batches).toEqual([1024]);
  });

  it('polls an idle source without a timer every 10 ms, not in a busy loop', async () => {
    const f = sourceFixture(() => 'idle');
    f.scheduler.wake();
    await new Promise((r) => setTimeout(r, 100));
    expect(f.polls.length).toBeGreaterThanOrEqual(2);
    expect(f.polls.length).toBeLessThanOrEqual(11);
  });

  it('does not poll an idle source waiting for its timer until the timer fires or the source is woken', async () => {
    const f = sourceFixture(() => 'idle');
    f.timers.set(f.task.root, wallNow() + 60_000);
    f.scheduler.wake();
    await turns();
    expect(f.polls).toHaveLength(1);
    f.scheduler.wakeTask(f.task);
    await turns();
    expect(f.polls).toHaveLength(2);
  });

  it('ends a task whose source ended: operators flush, end-of-stream goes downstream last, the task is reported once', async () => {
    const f = sourceFixture((_b, out, n) => {
      out.emit('out', ev(n));
      return n === 2 ? 'end' : 'more';
    });
    f.scheduler.wake();
    await turns();
    expect(f.sent).toEqual(['ev-1', 'ev-2', { kind: 'end' }]);
    expect(f.ended()).toBe(1);
    expect(f.endedTasks).toEqual([0]);
    expect(f.task.phase).toBe('ended');
  });

  it("sends a source's watermark after the events of each turn's polls, at most once per turn, less its delay", async () => {
    const f = sourceFixture(
      (_b, out, n) => {
        if (n === 1) for (const i of [0, 5, 2]) out.emit('out', ev(i));
        if (n === 2) out.emit('out', ev(4)); // older than the newest: the watermark stays
        if (n === 3) out.emit('out', ev(9));
        return n === 3 ? 'end' : 'more';
      },
      8,
      { watermarkDelayMs: 1 },
    );
    f.scheduler.wake();
    await turns();
    expect(f.sent).toEqual(['ev-0', 'ev-5', 'ev-2', 'ev-4', 'ev-9', { kind: 'end' }]);
    expect(f.watermarks).toEqual([
      { time: 4, idle: false, after: 3 },
      { time: 8, idle: false, after: 5 },
    ]);
  });

  it('marks a source idle after idleTimeoutMs without events, and active again when it emits', async () => {
    let resume = false;
    const f = sourceFixture(
      (_b, out, n) => {
        if (n === 1 || resume) {
          out.emit('out', ev(n));
          resume = false;
          return 'more';
        }
        return 'idle';
      },
      1000,
      { idleTimeoutMs: 60 },
    );
    f.scheduler.wake();
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
    };
    await until(() => f.watermarks.some((w) => w.idle));
    expect(f.watermarks[0]).toEqual({ time: 1, idle: false, after: 1 });
    expect(f.watermarks[1]).toMatchObject({ time: 1, idle: true, after: 1 });
    resume = true;
    await until(() => f.watermarks.length >= 3);
    expect(f.watermarks[2]).toMatchObject({ idle: false, after: 2 });
    expect(f.watermarks[2]!.time).toBeGreaterThan(1);
  });

  it('pauses sources on request and keeps them paused', async () => {
    const f = sourceFixture(() => 'more');
    f.scheduler.sourcesPaused = true;
    f.scheduler.wake();
    await turns();
    expect(f.polls).toEqual([]);
  });

  it('fails the worker when an operator throws, and stops turning after stop()', async () => {
    const f = sourceFixture(() => {
      throw new Error('poll broke');
    });
    f.scheduler.wake();
    await turns();
    expect(f.errors.map((e) => (e as Error).message)).toEqual(['poll broke']);
    f.scheduler.stop();
    f.scheduler.wake();
    await turns();
    expect(f.polls).toHaveLength(1);
  });
});
