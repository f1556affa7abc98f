import { wallNow } from '../clock.js';
import type { CurrentHost } from './CurrentHost.js';
import type { InstanceHost } from './InstanceHost.js';
import type { Task } from './Task.js';

/** How soon an idle source without a timer of its own is polled again, ms. */
export const IDLE_POLL_MS = 10;

/**
 * The processing-time timers of one worker: operators' `ctx.setTimer`, idle sources waiting
 * to be polled again, and paused inputs (throttle). One `setTimeout` armed for the earliest.
 */
export class WorkerTimers {
  /** Per instance: when its `onTimer` is due (later calls replace earlier ones). */
  private readonly due = new Map<InstanceHost, number>();
  private handle: NodeJS.Timeout | null = null;
  private armedAt = Number.POSITIVE_INFINITY;
  private stopped = false;

  constructor(
    private readonly tasks: readonly Task[],
    private readonly current: CurrentHost,
    private readonly inFlight: Float64Array,
    /** Ask for a turn (something may move now). */
    private readonly wake: () => void,
    private readonly fail: (err: unknown) => void,
  ) {}

  /** `ctx.setTimer(at)` of `host`. */
  set(host: InstanceHost, at: number): void {
    this.due.set(host, at);
    this.armAt(at);
  }

  /** True while `host` has a timer pending. */
  has(host: InstanceHost): boolean {
    return this.due.has(host);
  }

  /** Make sure a turn happens at wall time `at` (or earlier). */
  armAt(at: number): void {
    if (this.stopped) return;
    if (this.handle && at >= this.armedAt) return;
    if (this.handle) clearTimeout(this.handle);
    this.armedAt = at;
    this.handle = setTimeout(this.fire, Math.max(0, at - wallNow()));
  }

  stop(): void {
    this.stopped = true;
    if (this.handle) clearTimeout(this.handle);
    this.handle = null;
  }

  /**
   * 1. Call `onTimer` of every instance whose timer is due (a source's timer also ends its
   *    idle wait); 2. re-arm for what is still waiting; 3. ask for a turn.
   */
  private readonly fire = (): void => {
    this.handle = null;
    this.armedAt = Number.POSITIVE_INFINITY;
    const now = wallNow();
    try {
      // Timer code is not an event: a hang here must not be blamed on the last one delivered.
      this.inFlight[0] = 0;
      for (const [h, at] of [...this.due]) {
        if (at > now) continue;
        this.due.delete(h);
        this.current.host = h;
        const task = this.tasks.find((t) => t.root === h);
        if (task?.isSource) task.sourceIdleUntil = 0;
        h.op.onTimer?.(now, h);
      }
      this.current.host = null;
      for (const t of this.tasks) {
        if (t.sourceIdleUntil !== Number.POSITIVE_INFINITY && t.sourceIdleUntil > now) this.armAt(t.sourceIdleUntil);
        if (t.pausedUntil > now) this.armAt(t.pausedUntil);
      }
      let earliest = Number.POSITIVE_INFINITY;
      for (const at of this.due.values()) if (at < earliest) earliest = at;
      if (earliest !== Number.POSITIVE_INFINITY) this.armAt(earliest);
      this.wake();
    } catch (err) {
      this.fail(err);
    }
  };
}
