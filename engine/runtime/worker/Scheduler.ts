import type { SluiceEvent } from '../../contract/index.js';
import { wallNow } from '../clock.js';
import type { BarrierAligner } from './BarrierAligner.js';
import type { CurrentHost } from './CurrentHost.js';
import type { InChannel } from './InChannel.js';
import type { InstanceHost } from './InstanceHost.js';
import type { OutChannel } from './OutChannel.js';
import type { SnapshotEncoder } from './SnapshotEncoder.js';
import type { Task } from './Task.js';
import type { WorkerMetrics } from './WorkerMetrics.js';
import { IDLE_POLL_MS, type WorkerTimers } from './WorkerTimers.js';

/** Events a task takes per turn. Large enough to amortise the turn, small enough to stay fair. */
export const TURN_BUDGET = 1024;

/** Most polls of a source in one turn, while its outputs have room (see `runTask`, step 3). */
export const SOURCE_POLLS_PER_TURN = 8;

/** What the scheduler works with; built by `WorkerRuntime.open`. */
export interface SchedulerParts {
  tasks: readonly Task[];
  ins: readonly InChannel[];
  outs: readonly OutChannel[];
  metrics: WorkerMetrics;
  aligner: BarrierAligner;
  encoder: SnapshotEncoder;
  timers: WorkerTimers;
  current: CurrentHost;
  /** See `StartWorker.progress`; cleared while no event is being delivered. */
  inFlight: Float64Array;
  /** Per instance that can pause or refuse input: the fused edges into it (their producers wait). */
  fusedInto: ReadonlyMap<InstanceHost, readonly number[]>;
  /** End of every turn: post what the turn buffered (console lines, dead letters). */
  endTurn(): void;
  /** A task sent end-of-stream on every output. */
  taskEnded(task: Task): void;
  /** An operator threw: the worker fails. */
  fail(err: unknown): void;
}

/**
 * The loop of turns of one worker, on setImmediate. Each turn gives every task one go
 * (`runTask`), then flushes every outbox as one batch per channel and returns consumed
 * credit. When no task can move the loop stops and waits for `wake` (a channel message, a
 * timer, a command) — never a busy wait.
 *
 * A task's go:
 * 1. pumps: operators that pace their own output (topic subscriptions, throttle);
 * 2. nothing more if its outputs have no credit, its input is paused, or an instance refuses;
 * 3. a source is polled for at most the credit's worth of events, and again (up to
 *    SOURCE_POLLS_PER_TURN polls) while this turn's batch on every output has room for a
 *    sixteenth of a turn's budget;
 * 4. otherwise the controls at the heads of its inputs (BarrierAligner), then events,
 *    round-robin over its inputs, up to the credit;
 * 5. once its inputs have all ended (or its source did): operators flush (`onEnd`), and when
 *    their pumps are drained, end-of-stream goes downstream.
 */
export class Scheduler {
  /** Sources are not polled (a stop or a duration limit); their state is kept. */
  sourcesPaused = false;
  private scheduled = false;
  private stopped = false;
  private lastTurnAt = wallNow();

  constructor(private readonly p: SchedulerParts) {}

  /** Schedule a turn soon (idempotent). The one way anything asks the loop to run again. */
  wake(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(this.turnBound);
  }

  /** `ctx.wake()` of a source: poll it at the next turn even if it said 'idle'. */
  wakeTask(task: Task): void {
    if (task.sourceIdleUntil > 0) task.sourceIdleUntil = 0;
    this.wake();
  }

  stop(): void {
    this.stopped = true;
  }

  /** How many events `h` can emit on `port` now without blocking (for `pump`). */
  creditOf(h: InstanceHost, port: string): number {
    const routes = h.routes[port];
    if (!routes) return 0;
    let c = Number.POSITIVE_INFINITY;
    for (const r of routes) {
      if (r.kind === 'single') c = Math.min(c, r.channel.room);
      else if (r.kind === 'hash') for (const ch of r.channels) c = Math.min(c, ch.room);
    }
    return c === Number.POSITIVE_INFINITY ? TURN_BUDGET : Math.max(0, c);
  }

  /** Inputs ended (or the source did): flush operators in order, then finish when drained. */
  beginEnd(task: Task): void {
    if (task.phase !== 'running') return;
    task.phase = 'ending';
    const { current } = this.p;
    this.p.inFlight[0] = 0;
    for (const h of task.hosts) {
      current.host = h;
      h.op.onEnd?.(h);
    }
    current.host = null;
    this.tryFinish(task);
  }

  private readonly turnBound = (): void => {
    this.scheduled = false;
    if (this.stopped) return;
    try {
      if (this.turn()) this.wake();
    } catch (err) {
      this.p.fail(err);
    }
  };

  /** One turn over every task. Returns true if anything moved (so another turn is due). */
  private turn(): boolean {
    const { tasks, metrics, encoder } = this.p;
    const now = wallNow();
    const dt = now - this.lastTurnAt;
    this.lastTurnAt = now;
    let moved = false;
    for (const task of tasks) {
      // Backpressure accounting: the time since the last turn counts as blocked on the
      // channels that blocked this task then.
      if (task.blockedOn.length > 0) {
        for (const o of task.blockedOn) o.blockedMs += dt;
        task.blockedOn = [];
      }
      if (task.blockedFused.length > 0) {
        metrics.addFusedBlocked(task.blockedFused, dt);
        task.blockedFused = [];
      }
      if (task.phase === 'ended') continue;
      const t0 = performance.now();
      if (this.runTask(task, now)) moved = true;
      metrics.addBusy(task.hosts, performance.now() - t0);
    }
    if (encoder.pending) {
      encoder.encodeSlices();
      moved = true;
    }
    for (const o of this.p.outs) o.flush();
    for (const i of this.p.ins) i.flushCredit(false);
    this.p.endTurn();
    // Between turns no event is in flight: a worker killed while idle names none.
    this.p.inFlight[0] = 0;
    return moved;
  }

  private runTask(task: Task, now: number): boolean {
    const { current, inFlight } = this.p;
    let moved = false;
    // Pumps and polls are not deliveries: until one delivers, no event is in flight.
    inFlight[0] = 0;
    // 1. Pumps. Only output counts as progress: a pump waiting for tokens or credit must not spin.
    const out = this.p.metrics.counters.nodeOut;
    for (const h of task.pumpers) {
      if (h.op.hasPending?.() !== false) {
        current.host = h;
        const before = out[h.nodeIndex];
        h.op.pump!(h, (port) => this.creditOf(h, port));
        if (out[h.nodeIndex] !== before) moved = true;
      }
      // A watermark waits behind output the pump still holds (it would make that output late).
      if (h.watermarkHeld && h.op.hasPending?.() === false) h.sendWatermark();
    }
    if (task.phase === 'ending') return this.tryFinish(task) || moved;

    // 2. Input bounded by output credit, a paused input, a refusing instance.
    const budget = task.budget(TURN_BUDGET);
    if (budget <= 0) {
      if (this.hasWork(task, now)) task.blockedOn = task.outputs.filter((o) => o.room < o.minRoom);
      return moved;
    }
    if (task.pausedUntil > now) {
      if (task.pausedBy && this.hasWork(task, now)) task.blockedFused = this.p.fusedInto.get(task.pausedBy) ?? [];
      return moved;
    }
    for (const h of task.acceptors) {
      if (h.op.accepts?.() === false) {
        if (this.hasWork(task, now)) task.blockedFused = this.p.fusedInto.get(h) ?? [];
        return moved;
      }
    }

    // 3. A source: poll.
    const source = task.source;
    if (source !== null) {
      const root = task.root;
      if (task.quietSince > 0 && !root.outIdle && now - task.quietSince >= task.idleTimeoutMs) {
        root.forwardWatermark(root.outWatermark, true);
        moved = true;
      }
      if (task.sourceEnded || this.sourcesPaused || task.sourceIdleUntil > now) return moved;
      current.host = root;
      const before = out[root.nodeIndex];
      let r = source.poll(budget, root.pollOut);
      // A chain that keeps few of the source's events (Nexmark q8's filters keep 8 in 100) would
      // send a few events per channel message, and a message costs about the same whatever it
      // carries: poll again while this turn's batch on every output still has room for a
      // sixteenth of a turn's budget. A chain that passes its events on fills its outputs'
      // credit in one poll, as before.
      if (task.acceptors.length === 0 && !task.pauses) {
        for (let polls = 1; r === 'more' && polls < SOURCE_POLLS_PER_TURN; polls++) {
          const more = task.roomLeft(TURN_BUDGET);
          if (more < TURN_BUDGET / 16) break;
          r = source.poll(more, root.pollOut);
        }
      }
      const emitted = out[root.nodeIndex] !== before;
      if (emitted) task.quietSince = 0;
      else if (task.idleTimeoutMs > 0 && task.quietSince === 0 && r === 'idle') {
        task.quietSince = now;
        this.p.timers.armAt(now + task.idleTimeoutMs);
      }
      root.sourceWatermark(emitted);
      if (r === 'end') {
        task.sourceEnded = true;
        this.beginEnd(task);
      } else if (r === 'idle') {
        // The source set a timer (or will be polled again in 10 ms).
        task.sourceIdleUntil = this.p.timers.has(task.root) ? Number.POSITIVE_INFINITY : now + IDLE_POLL_MS;
        this.p.timers.armAt(now + IDLE_POLL_MS);
      }
      return true;
    }

    // 4. Controls at the heads of inputs, then events round-robin over inputs not held by one.
    if (task.idleTimeoutMs > 0 && this.markIdleInputs(task, now)) moved = true;
    if (this.p.aligner.handleInputs(task)) moved = true;
    let left = budget;
    const n = task.inputs.length;
    const root = task.root;
    current.host = root;
    const deliverTexts = (texts: readonly string[], from: number, to: number): void =>
      root.deliverTexts(texts, from, to);
    for (let k = 0; k < n && left > 0; k++) {
      const ch = task.inputs[(task.nextInput + k) % n] as InChannel;
      if (!ch.hasEvents()) continue;
      const port = ch.port;
      const input = ch.input;
      const deliver = (e: SluiceEvent): void => root.deliver(e, port, input);
      // Any message from an idle sender makes it hold the watermark again.
      if (ch.idle) {
        ch.idle = false;
        root.inputWatermark(input, ch.watermark, false);
      }
      let took = 0;
      if (task.pauses) {
        while (left > 0 && task.pausedUntil <= now && ch.consume(1, deliver) === 1) {
          left--;
          took++;
        }
      } else {
        for (;;) {
          // A sink that reads only values' texts takes an undecoded batch as them, whole.
          let n = root.takesTexts() ? ch.consumeTexts(left, root.textsContract, deliverTexts) : 0;
          if (n === 0) n = ch.consume(left, deliver);
          took += n;
          left -= n;
          if (n > 0 && left > 0 && ch.hasEvents()) continue;
          // A watermark between batches is taken in stride; barriers and end stop the input.
          if (ch.peekControl()?.kind !== 'watermark') break;
          ch.popControl();
          root.inputWatermark(input, ch.watermark, ch.idle);
          if (left <= 0) break;
        }
      }
      if (took > 0) moved = true;
    }
    task.nextInput = n > 0 ? (task.nextInput + 1) % n : 0;

    // 5. The end of the inputs.
    if (n > 0 && task.inputs.every((ch) => ch.ended)) {
      this.p.aligner.inputsEnded(task);
      this.beginEnd(task);
    }
    return moved;
  }

  /**
   * Input channels silent for the root's `idleTimeoutMs` (no events, no watermark) are idle and
   * stop holding its watermark back; the next message makes them active again. Arms a timer for
   * the next one due. Returns true if one went idle.
   */
  private markIdleInputs(task: Task, now: number): boolean {
    let moved = false;
    let next = Number.POSITIVE_INFINITY;
    for (const ch of task.inputs) {
      if (ch.ended || ch.idle || !ch.empty) continue;
      const due = ch.lastHeardAt + task.idleTimeoutMs;
      if (due <= now) {
        ch.idle = true;
        task.root.inputWatermark(ch.input, ch.watermark, true);
        moved = true;
      } else if (due < next) next = due;
    }
    if (next !== Number.POSITIVE_INFINITY) this.p.timers.armAt(next);
    return moved;
  }

  private tryFinish(task: Task): boolean {
    for (const h of task.pumpers) if (h.op.hasPending?.()) return false;
    task.phase = 'ended';
    this.p.aligner.end(task);
    this.p.taskEnded(task);
    return true;
  }

  private hasWork(task: Task, now: number): boolean {
    if (task.isSource) return !task.sourceEnded && !this.sourcesPaused && task.sourceIdleUntil <= now;
    return task.inputs.some((ch) => ch.hasEvents());
  }
}
