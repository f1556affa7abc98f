import type { MessagePort } from 'node:worker_threads';
import type { ExecutionPlan, PlanInstance } from '../../compiler/ExecutionPlan.js';
import type { NodeDescriptor, Operator, OperatorIo, SluiceEvent, SourceOperator } from '../../contract/index.js';
import { envelopeOf, type EventEnvelope } from '../../contract/index.js';
import { partitionOf } from '../partition.js';
import { decodeState, encodeState, encodeStateInSlices } from '../../store/stateCodec.js';
import { decodeBatch, encodeBatch, encodedSize } from '../batchCodec.js';
import { wallNow } from '../clock.js';
import { newHistogram, recordLatency } from '../Histogram.js';
import type {
  ChannelControl,
  ChannelMessage,
  StartWorker,
  WorkerCommand,
  WorkerCounters,
  WorkerFact,
} from '../protocol.js';
import { InChannel } from './InChannel.js';
import { approxSize, InstanceHost, type InstanceServices, type Route } from './InstanceHost.js';
import { OutChannel } from './OutChannel.js';
import { Task } from './Task.js';

/** Events a task takes per turn. Large enough to amortise the turn, small enough to stay fair. */
const TURN_BUDGET = 1024;
/** Events sampled per tapped edge per metrics report. */
const TAP_SAMPLES = 20;

export interface WorkerDeps {
  post(fact: WorkerFact, transfer?: ArrayBuffer[]): void;
  registry: ReadonlyMap<string, NodeDescriptor>;
  /** The io one instance gets (its operator id keys its sink commits). */
  makeIo(
    start: StartWorker,
    instance: PlanInstance,
    console: (line: string) => void,
    notify: (title: string, body: string) => void,
  ): OperatorIo;
}

/**
 * Runs the tasks the plan puts on one worker thread.
 *
 * The scheduler is a loop of turns on setImmediate: each turn gives every task one go (pumps,
 * then input or a source poll, bounded by the task's output credit), then flushes every
 * outbox as one batch per channel and returns consumed credit. When no task can move, the loop
 * stops and waits for a channel message, a timer or a command — never a busy wait.
 */
export class WorkerRuntime {
  private readonly plan: ExecutionPlan;
  private readonly hosts = new Map<string, InstanceHost>();
  private readonly tasks: Task[] = [];
  private readonly ins: InChannel[] = [];
  private readonly outs: OutChannel[] = [];
  private readonly counters: WorkerCounters;
  private readonly tapped: boolean[];
  private readonly taps = new Map<number, SluiceEvent[]>();
  private readonly timers = new Map<InstanceHost, number>();
  private timerHandle: NodeJS.Timeout | null = null;
  private scheduled = false;
  private sourcesPaused = false;
  private stopped = false;
  private consoleLines: string[] = [];
  private deadLetters: Extract<WorkerFact, { type: 'deadLettered' }>['rows'] = [];
  private metricsHandle: NodeJS.Timeout | null = null;
  private current: InstanceHost | null = null;
  private lastTurnAt = 0;
  private readonly progress: Int32Array;
  private readonly edgeIndexById: Map<string, number>;
  /** Per pausing instance: the fused edges into it (see edgesInto). */
  private readonly fusedInto = new Map<InstanceHost, number[]>();
  /** Per edge: ms fused producers spent waiting on a pausing or refusing node. */
  private readonly fusedBlockedMs: number[];

  constructor(
    private readonly start: StartWorker,
    private readonly deps: WorkerDeps,
  ) {
    this.plan = start.plan;
    const nE = this.plan.edges.length;
    const nN = this.plan.nodes.length;
    this.counters = {
      edgeEvents: new Array(nE).fill(0),
      edgeBytes: new Array(nE).fill(0),
      edgeQueued: new Array(nE).fill(0),
      edgeBlockedMs: new Array(nE).fill(0),
      edgeLatency: Array.from({ length: nE }, newHistogram),
      nodeIn: new Array(nN).fill(0),
      nodeOut: new Array(nN).fill(0),
      nodeErrors: new Array(nN).fill(0),
      nodeDropped: new Array(nN).fill(0),
      nodeBusyMs: new Array(nN).fill(0),
      nodeWatermark: new Array(nN).fill(null),
      nodeStateSize: new Array(nN).fill(0),
      edgeLag: new Array(nE).fill(null),
      edgeSkipped: new Array(nE).fill(0),
    };
    this.tapped = new Array(nE).fill(false);
    this.progress = new Int32Array(start.progress);
    this.edgeIndexById = new Map(this.plan.edges.map((e, i) => [e.id, i]));
    this.fusedBlockedMs = new Array(nE).fill(0);
  }

  /** Build channels, instances and tasks; restore state; start the loop. */
  open(): void {
    const w = this.start.worker;
    const plan = this.plan;
    const writeConsole = (line: string): void => {
      this.consoleLines.push(line);
    };

    // 1. Instances of this worker's tasks.
    const myTasks = plan.tasks.filter((t) => t.worker === w);
    for (const t of myTasks) {
      for (const key of t.instances) {
        const inst = plan.instances[key]!;
        const notify = (title: string, body: string): void =>
          this.deps.post({ type: 'notified', nodeId: inst.nodeId, title, body });
        this.hosts.set(
          key,
          new InstanceHost(inst, this.services(this.deps.makeIo(this.start, inst, writeConsole, notify))),
        );
      }
    }

    // 2. Channels touching this worker: local ones get both ends here, remote ones one end.
    const inById = new Map<number, InChannel>();
    const outById = new Map<number, OutChannel>();
    for (const ch of plan.channels) {
      const here = ch.fromWorker === w || ch.toWorker === w;
      if (!here) continue;
      const port = this.start.ports[ch.id];
      const edgeIndex = ch.edgeIndex;
      if (ch.fromWorker === w && ch.toWorker === w) {
        let out: OutChannel | null = null;
        const inc = new InChannel(ch.id, edgeIndex, ch.toPort, ch.toInput, ch.capacity, (n) => {
          out!.addCredit(n);
          this.wake();
        });
        out = new OutChannel(
          ch.id,
          edgeIndex,
          ch.capacity,
          (events) => {
            this.sampleLatency(edgeIndex, events);
            inc.pushEvents(events);
            // Same thread: nothing is encoded; count what the batch would weigh, from its first event.
            const size = events.length * approxSize(events[0] as SluiceEvent);
            this.counters.edgeBytes[edgeIndex] = (this.counters.edgeBytes[edgeIndex] as number) + size;
          },
          (control) => inc.pushControl(control),
        );
        inById.set(ch.id, inc);
        outById.set(ch.id, out);
      } else if (ch.fromWorker === w) {
        const p = port as MessagePort;
        const out = new OutChannel(
          ch.id,
          edgeIndex,
          ch.capacity,
          (events) => {
            const batch = encodeBatch(events);
            // Bytes are counted where the batch arrives (the receiving worker).
            p.postMessage({ type: 'batch', batch } satisfies ChannelMessage, [batch.t.buffer as ArrayBuffer]);
          },
          (control) => p.postMessage({ type: 'control', control } satisfies ChannelMessage),
        );
        p.on('message', (m: ChannelMessage) => {
          if (m.type === 'credit') {
            out.addCredit(m.n);
            this.wake();
          }
        });
        outById.set(ch.id, out);
      } else {
        const p = port as MessagePort;
        const inc = new InChannel(ch.id, edgeIndex, ch.toPort, ch.toInput, ch.capacity, (n) =>
          p.postMessage({ type: 'credit', n } satisfies ChannelMessage),
        );
        p.on('message', (m: ChannelMessage) => {
          if (m.type === 'batch') {
            const events = decodeBatch(m.batch);
            this.counters.edgeBytes[edgeIndex] = (this.counters.edgeBytes[edgeIndex] as number) + encodedSize(m.batch);
            this.sampleLatency(edgeIndex, events);
            inc.pushEvents(events);
          } else if (m.type === 'control') {
            inc.pushControl(m.control);
          }
          this.wake();
        });
        inById.set(ch.id, inc);
      }
    }
    this.ins.push(...inById.values());
    this.outs.push(...outById.values());

    // 3. Operators, then routes (routes need every host of this worker to exist).
    for (const h of this.hosts.values()) {
      const d = this.deps.registry.get(h.plan.type);
      if (!d) throw new Error(`unknown node type ${h.plan.type}`);
      this.current = h;
      h.op = d.create(h.context());
    }
    for (const h of this.hosts.values()) {
      for (const [port, targets] of Object.entries(h.plan.outputs)) {
        h.routes[port] = targets.map((t): Route => {
          if (t.kind === 'fused')
            return { kind: 'fused', edgeIndex: t.edgeIndex, target: this.hosts.get(t.instance)!, port: t.port };
          const chans = t.channels.map((id) => outById.get(id)!);
          return t.partition === 'single'
            ? { kind: 'single', edgeIndex: t.edgeIndex, channel: chans[0]! }
            : { kind: 'hash', edgeIndex: t.edgeIndex, channels: chans };
        });
      }
    }

    // 4. Tasks.
    for (const t of myTasks) {
      const hosts = t.instances.map((k) => this.hosts.get(k)!);
      const inputs = plan.channels.filter((c) => c.to === t.root).map((c) => inById.get(c.id)!);
      const outputs = plan.channels.filter((c) => t.instances.includes(c.from)).map((c) => outById.get(c.id)!);
      // A topic's subscription queues are paced by the topic itself (each reads at its own
      // pace): a slow subscriber must not stop the task's input. Retention blocks instead.
      const paced = new Set(
        t.instances.flatMap((k) =>
          Object.entries(plan.instances[k]!.outputs)
            .filter(([port]) => port.includes(':'))
            .flatMap(([, targets]) => targets.flatMap((x) => (x.kind === 'channel' ? x.channels : []))),
        ),
      );
      const task = new Task(
        t.id,
        hosts[0]!,
        hosts,
        inputs,
        outputs,
        t.isSource,
        outputs.filter((o) => !paced.has(o.id)),
      );
      task.skipAt = this.start.skip.find((s) => s.taskId === t.id)?.delivery ?? 0;
      this.tasks.push(task);
    }

    // 5. Open, restore, and re-commit what the restored checkpoint staged (idempotent).
    for (const h of this.hosts.values()) {
      this.current = h;
      h.op.open?.();
    }
    const restore = this.start.restore;
    if (restore) {
      for (const h of this.hosts.values()) {
        const bytes = restore.states[h.plan.key];
        this.current = h;
        if (bytes) {
          const state = decodeState(bytes);
          if (state !== undefined) h.op.restore?.(state);
        }
      }
      for (const h of this.hosts.values()) (h.op as Operator).onCheckpointComplete?.(restore.checkpointId);
      for (const t of this.tasks) t.lastSnapshot = restore.checkpointId;
      this.completed = restore.checkpointId;
    }
    this.current = null;

    this.metricsHandle = setInterval(() => this.reportMetrics(), this.start.metricsIntervalMs);
    this.lastTurnAt = wallNow();
    this.wake();
  }

  command(cmd: WorkerCommand): void {
    switch (cmd.type) {
      case 'triggerCheckpoint':
        this.onTrigger(cmd.checkpointId);
        break;
      case 'completeCheckpoint':
        this.completed = Math.max(this.completed, cmd.checkpointId);
        for (const h of this.hosts.values()) {
          this.current = h;
          (h.op as Operator).onCheckpointComplete?.(cmd.checkpointId);
        }
        this.current = null;
        // Counters first, so the coordinator's frame after the final checkpoint is exact.
        this.reportMetrics();
        this.deps.post({ type: 'checkpointCommitted', checkpointId: cmd.checkpointId, worker: this.start.worker });
        break;
      case 'pauseSources':
        this.sourcesPaused = true;
        break;
      case 'injectEvents':
        this.inject(cmd.nodeId, cmd.events);
        break;
      case 'tapEdge':
        this.tapped[cmd.edgeIndex] = cmd.on;
        if (!cmd.on) this.taps.delete(cmd.edgeIndex);
        break;
      case 'shutdown':
        this.shutdown();
        break;
      case 'startWorker':
        break;
    }
    this.wake();
  }

  /** The node whose code is running now, for error reports. */
  get currentNodeId(): string | null {
    return this.current?.plan.nodeId ?? null;
  }

  shutdown(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.reportMetrics();
    if (this.metricsHandle) clearInterval(this.metricsHandle);
    if (this.timerHandle) clearTimeout(this.timerHandle);
    for (const h of this.hosts.values()) {
      try {
        h.op.close?.();
      } catch {
        // closing is best effort: the run is over
      }
    }
  }

  private services(io: OperatorIo): InstanceServices {
    const edgeIndexById = this.edgeIndexById;
    return {
      counters: this.counters,
      tapped: this.tapped,
      tapSample: (edgeIndex, e) => {
        let list = this.taps.get(edgeIndex);
        if (!list) this.taps.set(edgeIndex, (list = []));
        if (list.length < TAP_SAMPLES) list.push(e);
      },
      setTimer: (host, at) => {
        this.timers.set(host, at);
        this.armTimer();
      },
      pauseTask: (host, until) => {
        const t = this.tasks.find((x) => x.id === host.plan.taskId);
        if (t && until > t.pausedUntil) {
          t.pausedUntil = until;
          t.pausedBy = host;
          t.pauses = true;
        }
        this.armTimerAt(until);
      },
      deadLetter: (nodeId, e, error) => this.deadLetters.push({ nodeId, error, event: envelopeOf(e), time: wallNow() }),
      log: (nodeId, level, message) => this.deps.post({ type: 'logged', nodeId, level, message }),
      io,
      subscriptions: (inst: PlanInstance, port: string) =>
        Object.keys(inst.outputs).filter((p) => p.startsWith(`${port}:`)),
      reportLag: (_inst, port, lag, skipped) => {
        const idx = edgeIndexById.get(port.slice(port.indexOf(':') + 1));
        if (idx !== undefined) {
          this.counters.edgeLag[idx] = lag;
          this.counters.edgeSkipped[idx] = skipped;
        }
      },
    };
  }

  private sampleLatency(edgeIndex: number, events: SluiceEvent[]): void {
    const now = wallNow();
    const h = this.counters.edgeLatency[edgeIndex] as number[];
    for (let i = 0; i < events.length; i += 64) recordLatency(h, now - (events[i] as SluiceEvent).emittedAt);
  }

  /** Schedule a turn soon (idempotent). */
  private wake(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(this.turnBound);
  }

  private readonly turnBound = (): void => {
    this.scheduled = false;
    if (this.stopped) return;
    try {
      if (this.turn()) this.wake();
    } catch (err) {
      this.fail(err);
    }
  };

  /** One turn over every task. Returns true if anything moved (so another turn is due). */
  private turn(): boolean {
    const now = wallNow();
    const dt = now - this.lastTurnAt;
    this.lastTurnAt = now;
    let moved = false;
    for (const task of this.tasks) {
      // Backpressure accounting: the time since the last turn counts as blocked on the
      // channels that blocked this task then.
      if (task.blockedOn.length > 0) {
        for (const o of task.blockedOn) o.blockedMs += dt;
        task.blockedOn = [];
      }
      if (task.blockedFused.length > 0) {
        for (const e of task.blockedFused) this.fusedBlockedMs[e] = (this.fusedBlockedMs[e] as number) + dt;
        task.blockedFused = [];
      }
      if (task.phase === 'ended') continue;
      const t0 = performance.now();
      if (this.runTask(task, now)) moved = true;
      const busy = performance.now() - t0;
      for (const h of task.hosts)
        this.counters.nodeBusyMs[h.nodeIndex] = (this.counters.nodeBusyMs[h.nodeIndex] as number) + busy;
    }
    if (this.encoding.length > 0) {
      this.encodeSlices();
      moved = true;
    }
    for (const o of this.outs) o.flush();
    for (const i of this.ins) i.flushCredit(false);
    if (this.consoleLines.length > 0) {
      this.deps.post({ type: 'consoleWritten', lines: this.consoleLines });
      this.consoleLines = [];
    }
    if (this.deadLetters.length > 0) {
      this.deps.post({ type: 'deadLettered', rows: this.deadLetters });
      this.deadLetters = [];
    }
    return moved;
  }

  private runTask(task: Task, now: number): boolean {
    let moved = false;
    // 1. Pumps: operators that pace their own output (topic subscriptions, throttle).
    const out = this.counters.nodeOut;
    for (const h of task.pumpers) {
      const op = h.op as Operator;
      if (op.hasPending?.() !== false) {
        this.current = h;
        const before = out[h.nodeIndex];
        op.pump!(h, (port) => this.creditOf(h, port));
        // Only output counts as progress: a pump waiting for tokens or credit must not spin.
        if (out[h.nodeIndex] !== before) moved = true;
      }
    }
    if (task.phase === 'ending') return this.tryFinish(task) || moved;

    // 2. Input or poll, bounded by output credit.
    const budget = task.budget(TURN_BUDGET);
    if (budget <= 0) {
      if (this.hasWork(task, now)) task.blockedOn = task.outputs.filter((o) => o.room <= 0);
      return moved;
    }
    if (task.pausedUntil > now) {
      if (task.pausedBy && this.hasWork(task, now)) task.blockedFused = this.edgesInto(task.pausedBy);
      return moved;
    }
    for (const h of task.acceptors) {
      if ((h.op as Operator).accepts?.() === false) {
        if (this.hasWork(task, now)) task.blockedFused = this.edgesInto(h);
        return moved;
      }
    }

    if (task.isSource) {
      if (task.sourceEnded || this.sourcesPaused || task.sourceIdleUntil > now) return moved;
      const src = task.root.op as SourceOperator;
      this.current = task.root;
      const r = src.poll(budget, task.root);
      if (r === 'end') {
        task.sourceEnded = true;
        this.beginEnd(task);
      } else if (r === 'idle') {
        // The source set a timer (or will be polled again in 10 ms).
        if (!this.timers.has(task.root)) task.sourceIdleUntil = now + 10;
        else task.sourceIdleUntil = Number.POSITIVE_INFINITY;
        this.armTimerAt(now + 10);
      }
      return true;
    }

    // 3. Controls at the heads of inputs: end-of-stream, then barrier alignment.
    let barrier: number | null = null;
    let unaligned = 0;
    for (const ch of task.inputs) {
      if (ch.ended) continue;
      let c = ch.peekControl();
      if (c?.kind === 'end') {
        ch.popControl();
        moved = true;
        continue;
      }
      if (c?.kind === 'barrier') barrier = c.checkpointId;
      else unaligned++;
      c = null;
    }
    if (barrier !== null && unaligned === 0) {
      for (const ch of task.inputs) if (!ch.ended && ch.peekControl()?.kind === 'barrier') ch.popControl();
      this.snapshotTask(task, barrier);
      moved = true;
    }

    // 4. Events, round-robin over inputs not held by a barrier. Each delivery is numbered in
    // shared memory, so if the thread dies or hangs the coordinator knows which event it was.
    let left = budget;
    const n = task.inputs.length;
    const progress = this.progress;
    progress[0] = task.id + 1;
    for (let k = 0; k < n && left > 0; k++) {
      const ch = task.inputs[(task.nextInput + k) % n] as InChannel;
      if (!ch.hasEvents()) continue;
      const root = task.root;
      const port = ch.port;
      const input = ch.input;
      this.current = root;
      const deliver = (e: SluiceEvent): void => {
        const d = ++task.delivered;
        progress[1] = d;
        if (d === task.skipAt) this.setAside(root, e);
        else root.deliver(e, port, input);
      };
      let took = 0;
      if (task.pauses) {
        while (left > 0 && task.pausedUntil <= now && ch.consume(1, deliver) === 1) {
          left--;
          took++;
        }
      } else {
        took = ch.consume(left, deliver);
        left -= took;
      }
      if (took > 0) moved = true;
    }
    task.nextInput = n > 0 ? (task.nextInput + 1) % n : 0;

    if (n > 0 && task.inputs.every((ch) => ch.ended)) {
      // Upstream ended before it could pass on a checkpoint in flight: everything it will ever
      // send has now arrived, so this is the task's consistent state for that checkpoint.
      if (this.triggered > task.lastSnapshot && this.triggered > this.completed)
        this.snapshotTask(task, this.triggered);
      this.beginEnd(task);
    }
    return moved;
  }

  /**
   * Replayed dead letters enter their node between turns, as if they had just arrived on its
   * input; with parallelism, each goes to the instance its key hashes to (if it lives here).
   */
  private inject(nodeId: string, events: EventEnvelope[]): void {
    const now = wallNow();
    for (const env of events) {
      const e: SluiceEvent = { id: env.id, key: env.key, time: env.time, value: env.value, emittedAt: now };
      for (const h of this.hosts.values()) {
        if (h.plan.nodeId !== nodeId || h.plan.index !== partitionOf(e.key, h.plan.parallelism)) continue;
        this.current = h;
        const port = this.deps.registry.get(h.plan.type)?.ports(h.plan.config).inputs[0] ?? 'in';
        h.deliver(e, port, 0);
      }
    }
    this.current = null;
    for (const o of this.outs) o.flush();
  }

  /** A poison event: it killed or hung the worker on earlier attempts. Dead-letter it, go on. */
  private setAside(root: InstanceHost, e: SluiceEvent): void {
    this.counters.nodeErrors[root.nodeIndex] = (this.counters.nodeErrors[root.nodeIndex] as number) + 1;
    this.deadLetters.push({
      nodeId: root.plan.nodeId,
      error: 'this event crashed or hung the worker on every attempt, so it was set aside',
      event: envelopeOf(e),
      time: wallNow(),
    });
  }

  /**
   * The edges whose producers wait when `h` refuses input: fused edges into it (its producer
   * shares its thread), or, for a task root, nothing here — its channel producers measure
   * their own wait as the queue fills.
   */
  private edgesInto(h: InstanceHost): number[] {
    const known = this.fusedInto.get(h);
    if (known) return known;
    const edges: number[] = [];
    for (const other of this.hosts.values()) {
      for (const routes of Object.values(other.routes)) {
        for (const r of routes) if (r.kind === 'fused' && r.target === h) edges.push(r.edgeIndex);
      }
    }
    this.fusedInto.set(h, edges);
    return edges;
  }

  private hasWork(task: Task, now: number): boolean {
    if (task.isSource) return !task.sourceEnded && !this.sourcesPaused && task.sourceIdleUntil <= now;
    return task.inputs.some((ch) => ch.hasEvents());
  }

  private creditOf(h: InstanceHost, port: string): number {
    const routes = h.routes[port];
    if (!routes) return 0;
    let c = Number.POSITIVE_INFINITY;
    for (const r of routes) {
      if (r.kind === 'single') c = Math.min(c, r.channel.room);
      else if (r.kind === 'hash') for (const ch of r.channels) c = Math.min(c, ch.room);
    }
    return c === Number.POSITIVE_INFINITY ? TURN_BUDGET : Math.max(0, c);
  }

  /** All inputs ended (or the source did): flush operators in order, then finish when drained. */
  private beginEnd(task: Task): void {
    if (task.phase !== 'running') return;
    task.phase = 'ending';
    for (const h of task.hosts) {
      this.current = h;
      (h.op as Operator).onEnd?.(h);
    }
    this.tryFinish(task);
  }

  private tryFinish(task: Task): boolean {
    for (const h of task.pumpers) if ((h.op as Operator).hasPending?.()) return false;
    task.phase = 'ended';
    for (const o of task.outputs) o.pushControl({ kind: 'end' });
    this.deps.post({ type: 'taskEnded', taskId: task.id });
    return true;
  }

  /**
   * Snapshots handed over by their operators (`snapshotOwned`) and being encoded a slice per
   * turn. Each carries the longest pause it has cost so far: building it, or one slice.
   */
  private readonly encoding: Array<{
    checkpointId: number;
    instance: string;
    steps: Generator<void, Uint8Array, void>;
    pauseMs: number;
  }> = [];

  /** Encode slices of the oldest handed-over snapshot for up to ~1 ms; post it when done. */
  private encodeSlices(): void {
    const job = this.encoding[0]!;
    const started = performance.now();
    let step = job.steps.next();
    while (!step.done && performance.now() - started < 1) step = job.steps.next();
    job.pauseMs = Math.max(job.pauseMs, performance.now() - started);
    if (!step.done) return;
    this.encoding.shift();
    const bytes = step.value;
    this.deps.post(
      {
        type: 'snapshotTaken',
        checkpointId: job.checkpointId,
        instance: job.instance,
        state: bytes,
        bytes: bytes.byteLength,
        pauseMs: job.pauseMs,
      },
      [bytes.buffer as ArrayBuffer],
    );
  }

  /** Highest checkpoint triggered, and highest completed, as this worker has heard. */
  private triggered = -1;
  private completed = -1;

  private onTrigger(checkpointId: number): void {
    this.triggered = Math.max(this.triggered, checkpointId);
    for (const task of this.tasks) {
      const inputsDone = task.isSource || task.inputs.every((ch) => ch.ended);
      if (inputsDone) this.snapshotTask(task, checkpointId);
    }
    for (const o of this.outs) o.flush();
  }

  /**
   * Snapshot every instance of the task (consistent: between turns nothing is half done), then
   * put the barrier on every output after the events already pushed.
   */
  private snapshotTask(task: Task, checkpointId: number): void {
    if (task.lastSnapshot >= checkpointId) return;
    task.lastSnapshot = checkpointId;
    for (const h of task.hosts) {
      this.current = h;
      const started = performance.now();
      const state = h.op.snapshot?.(checkpointId);
      if ((h.op as Operator).snapshotOwned && state !== undefined) {
        // Encoded in slices by the next turns; the barrier moves on now.
        const steps = encodeStateInSlices(state);
        this.encoding.push({ checkpointId, instance: h.plan.key, steps, pauseMs: performance.now() - started });
        this.wake();
        continue;
      }
      const bytes = encodeState(state);
      const pauseMs = performance.now() - started;
      this.deps.post(
        { type: 'snapshotTaken', checkpointId, instance: h.plan.key, state: bytes, bytes: bytes.byteLength, pauseMs },
        [bytes.buffer as ArrayBuffer],
      );
    }
    this.current = null;
    if (task.phase !== 'ended') {
      const control: ChannelControl = { kind: 'barrier', checkpointId };
      for (const o of task.outputs) o.pushControl(control);
    }
  }

  private armTimer(): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (const at of this.timers.values()) if (at < earliest) earliest = at;
    if (earliest !== Number.POSITIVE_INFINITY) this.armTimerAt(earliest);
  }

  private timerAt = Number.POSITIVE_INFINITY;
  private armTimerAt(at: number): void {
    if (this.stopped) return;
    if (this.timerHandle && at >= this.timerAt) return;
    if (this.timerHandle) clearTimeout(this.timerHandle);
    this.timerAt = at;
    this.timerHandle = setTimeout(this.onTimerBound, Math.max(0, at - wallNow()));
  }

  private readonly onTimerBound = (): void => {
    this.timerHandle = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = wallNow();
    try {
      for (const [h, at] of [...this.timers]) {
        if (at > now) continue;
        this.timers.delete(h);
        this.current = h;
        const task = this.tasks.find((t) => t.hosts.includes(h));
        if (task && task.isSource && task.root === h) task.sourceIdleUntil = 0;
        h.op.onTimer?.(now, h);
      }
      this.current = null;
      for (const t of this.tasks)
        if (t.sourceIdleUntil !== Number.POSITIVE_INFINITY && t.sourceIdleUntil > now)
          this.armTimerAt(t.sourceIdleUntil);
      for (const t of this.tasks) if (t.pausedUntil > now) this.armTimerAt(t.pausedUntil);
      this.armTimer();
      this.wake();
    } catch (err) {
      this.fail(err);
    }
  };

  private reportMetrics(): void {
    const c = this.counters;
    c.edgeQueued.fill(0);
    for (const i of this.ins) c.edgeQueued[i.edgeIndex] = (c.edgeQueued[i.edgeIndex] as number) + i.queued;
    for (const o of this.outs) c.edgeQueued[o.edgeIndex] = (c.edgeQueued[o.edgeIndex] as number) + o.pending;
    // Blocked time is cumulative per channel and per fused edge; the frame differences it.
    c.edgeBlockedMs.fill(0);
    for (const o of this.outs) c.edgeBlockedMs[o.edgeIndex] = (c.edgeBlockedMs[o.edgeIndex] as number) + o.blockedMs;
    for (let e = 0; e < this.fusedBlockedMs.length; e++)
      c.edgeBlockedMs[e] = (c.edgeBlockedMs[e] as number) + (this.fusedBlockedMs[e] as number);
    c.nodeStateSize.fill(0);
    for (const h of this.hosts.values()) {
      const size = (h.op as Operator).stateSize?.() ?? 0;
      c.nodeStateSize[h.nodeIndex] = (c.nodeStateSize[h.nodeIndex] as number) + size;
    }
    this.deps.post({ type: 'metricsReported', worker: this.start.worker, at: wallNow(), counters: c });
    for (const [edgeIndex, events] of this.taps) {
      if (events.length > 0) this.deps.post({ type: 'edgeTapped', edgeIndex, events: events.map(envelopeOf) });
    }
    this.taps.clear();
  }

  private fail(err: unknown): void {
    const userError = err instanceof Error && err.name === 'UserError';
    const message = err instanceof Error ? (userError ? err.message : (err.stack ?? err.message)) : String(err);
    this.deps.post({ type: 'workerFailed', worker: this.start.worker, message, userError, nodeId: this.currentNodeId });
    this.shutdown();
  }
}
