import type { ExecutionPlan, PlanInstance } from '../../compiler/ExecutionPlan.js';
import type { NodeDescriptor, OperatorIo, SluiceEvent } from '../../contract/index.js';
import { CONTRACT_KEY, envelopeOf, type EventEnvelope } from '../../contract/index.js';
import { decodeState } from '../../store/stateCodec.js';
import { wallNow } from '../clock.js';
import { partitionOf } from '../partition.js';
import type { StartWorker, WorkerCommand, WorkerFact } from '../protocol.js';
import { standInFor } from './standInFor.js';
import { BarrierAligner } from './BarrierAligner.js';
import { ContractGates } from './ContractGates.js';
import type { CurrentHost } from './CurrentHost.js';
import type { InChannel } from './InChannel.js';
import { InstanceHost, type InstanceServices, type Route } from './InstanceHost.js';
import type { OutChannel } from './OutChannel.js';
import { Scheduler } from './Scheduler.js';
import { SnapshotEncoder } from './SnapshotEncoder.js';
import { Task } from './Task.js';
import { wireChannels } from './wireChannels.js';
import { WorkerMetrics } from './WorkerMetrics.js';
import { WorkerTimers } from './WorkerTimers.js';

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

/** How long the end of a run waits for connector sinks to send what they committed. */
const SETTLE_AT_END_MS = 10_000;

type DeadLetterRow = Extract<WorkerFact, { type: 'deadLettered' }>['rows'][number];

/**
 * Runs the tasks the plan puts on one worker thread. This class builds the parts and answers
 * the coordinator's commands; the parts do the work:
 * - `wireChannels`: the channel ends (local, outgoing, incoming);
 * - `Scheduler`: the loop of turns (`wake` is the one way to ask for a turn);
 * - `BarrierAligner`: barriers and end-of-stream in line with the events;
 * - `SnapshotEncoder`: snapshots, encoded at once or in slices between turns;
 * - `WorkerTimers`: operator timers, idle sources, paused inputs;
 * - `WorkerMetrics`: counters, taps, the periodic report;
 * - `InstanceHost`: one operator, its context, its routes, the in-flight cell.
 */
export class WorkerRuntime {
  private readonly plan: ExecutionPlan;
  private readonly hosts = new Map<string, InstanceHost>();
  private readonly tasks: Task[] = [];
  private readonly taskById = new Map<number, Task>();
  private readonly edgeIndexById: ReadonlyMap<string, number>;
  /** Instance keys in slot order (slot 1 is the first; see `StartWorker.progress`). */
  private readonly instanceKeys: readonly string[];
  private ins: InChannel[] = [];
  private outs: OutChannel[] = [];
  private readonly metrics: WorkerMetrics;
  private readonly current: CurrentHost = { host: null };
  private readonly inFlight: Float64Array;
  private readonly encoder: SnapshotEncoder;
  private readonly aligner: BarrierAligner;
  private readonly timers: WorkerTimers;
  private scheduler: Scheduler | null = null;
  private consoleLines: string[] = [];
  private consoleNodes: string[] = [];
  private deadLetters: DeadLetterRow[] = [];
  private metricsHandle: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly start: StartWorker,
    private readonly deps: WorkerDeps,
  ) {
    this.plan = start.plan;
    this.edgeIndexById = new Map(this.plan.edges.map((e, i) => [e.id, i]));
    this.instanceKeys = Object.keys(this.plan.instances);
    this.metrics = new WorkerMetrics(this.plan);
    this.inFlight = new Float64Array(start.progress);
    const wake = (): void => this.scheduler?.wake();
    this.encoder = new SnapshotEncoder(deps.post, this.current, wake, (err) => this.fail(err));
    this.aligner = new BarrierAligner(this.encoder);
    this.timers = new WorkerTimers(this.tasks, this.current, this.inFlight, wake, (err) => this.fail(err));
  }

  /**
   * Build the worker and start its loop:
   * 1. instances of this worker's tasks; 2. channel ends; 3. operators, then routes (a route
   * needs every host of this worker); 4. tasks; 5. open, restore, and re-commit what the
   * restored checkpoint staged (idempotent); 6. the metrics timer and the first turn.
   */
  open(): void {
    const plan = this.plan;
    const w = this.start.worker;
    const myTasks = plan.tasks.filter((t) => t.worker === w);
    const slots = new Map(this.instanceKeys.map((key, i) => [key, i + 1]));
    for (const t of myTasks) {
      for (const key of t.instances) {
        const inst = plan.instances[key]!;
        this.hosts.set(key, new InstanceHost(inst, slots.get(key)!, this.services(inst)));
      }
    }

    const channels = wireChannels(this.start, this.metrics, () => this.scheduler?.wake());
    this.ins = [...channels.ins.values()];
    this.outs = [...channels.outs.values()];

    const gates = new ContractGates(this.start.schemas);
    for (const h of this.hosts.values()) {
      const d = standInFor(h.plan, this.deps.registry.get(h.plan.type));
      if (!d) throw new Error(`unknown node type ${h.plan.type}`);
      this.current.host = h;
      h.attach(d.create(h.context()));
      const contract = h.plan.config[CONTRACT_KEY];
      if (typeof contract === 'string') {
        if (d.category === 'source')
          h.setContracts(
            gates.sourceGate(contract, (e, why, also) => h.contractFailed(e, why, also)),
            null,
          );
        else if (d.category === 'sink' || h.plan.type === 'topic')
          h.setContracts(null, gates.check(contract), contract);
      }
    }
    // The input contracts of every sink and topic in the plan (here or on other workers): a
    // route to one on another thread checks it before sending (Route's `ahead`).
    const inputContract = new Map<string, string>();
    for (const inst of Object.values(plan.instances)) {
      const contract = inst.config[CONTRACT_KEY];
      const category = this.deps.registry.get(inst.type)?.category;
      if (typeof contract === 'string' && (category === 'sink' || inst.type === 'topic') && !inst.disabled)
        inputContract.set(inst.nodeId, contract);
    }
    const remote = new Set(plan.channels.filter((ch) => ch.fromWorker !== ch.toWorker).map((ch) => ch.id));
    for (const h of this.hosts.values()) {
      for (const [port, targets] of Object.entries(h.plan.outputs)) {
        h.routes[port] = targets.map((t): Route => {
          const edge = plan.edges[t.edgeIndex]!;
          const check =
            edge.contract !== undefined ? { check: gates.check(edge.contract), consumer: edge.toNode } : null;
          if (t.kind === 'fused')
            return { kind: 'fused', edgeIndex: t.edgeIndex, target: this.hosts.get(t.instance)!, port: t.port, check };
          const chans = t.channels.map((id) => channels.outs.get(id)!);
          const ref = inputContract.get(edge.toNode);
          const ahead = ref !== undefined && t.channels.every((id) => remote.has(id)) ? gates.check(ref) : null;
          if (ahead !== null) for (const c of chans) c.checkedAgainst = ref!;
          return t.partition === 'single'
            ? { kind: 'single', edgeIndex: t.edgeIndex, channel: chans[0]!, check, ahead }
            : { kind: 'hash', edgeIndex: t.edgeIndex, channels: chans, check, ahead };
        });
      }
    }
    const skips = new Map<string, Array<{ at: number; reason: string }>>();
    for (const { instance, at, reason } of this.start.skip) {
      let list = skips.get(instance);
      if (!list) skips.set(instance, (list = []));
      list.push({ at, reason });
    }
    for (const [key, list] of skips) this.hosts.get(key)?.setSkips(list);

    for (const t of myTasks) {
      const hosts = t.instances.map((k) => this.hosts.get(k)!);
      const inputs = plan.channels.filter((c) => c.to === t.root).map((c) => channels.ins.get(c.id)!);
      const outputs = plan.channels.filter((c) => t.instances.includes(c.from)).map((c) => channels.outs.get(c.id)!);
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
        outputs.filter((o) => !paced.has(o.id)),
      );
      this.tasks.push(task);
      this.taskById.set(task.id, task);
    }
    this.scheduler = new Scheduler({
      tasks: this.tasks,
      ins: this.ins,
      outs: this.outs,
      metrics: this.metrics,
      aligner: this.aligner,
      encoder: this.encoder,
      timers: this.timers,
      current: this.current,
      inFlight: this.inFlight,
      fusedInto: this.fusedEdgesInto(),
      endTurn: () => this.postBuffered(),
      // What the task's last turn wrote (console lines, dead letters) goes first: the end of
      // every task triggers the final checkpoint, which stores the dead letters that came before.
      taskEnded: (task) => {
        this.postBuffered();
        this.deps.post({ type: 'taskEnded', taskId: task.id });
      },
      fail: (err) => this.fail(err),
    });

    for (const h of this.hosts.values()) {
      this.current.host = h;
      h.op.open?.();
    }
    const restore = this.start.restore;
    if (restore) {
      for (const h of this.hosts.values()) {
        const bytes = restore.states[h.plan.key];
        this.current.host = h;
        if (bytes) {
          const state = decodeState(bytes);
          if (state !== undefined) h.op.restore?.(state);
        }
      }
      for (const h of this.hosts.values()) h.op.onCheckpointComplete?.(restore.checkpointId);
      this.aligner.restored(this.tasks, restore.checkpointId);
    }
    this.current.host = null;

    this.metricsHandle = setInterval(() => this.reportMetrics(), this.start.metricsIntervalMs);
    this.scheduler.wake();
  }

  command(cmd: WorkerCommand): void {
    // A command is not an event: what it runs (snapshots, commits) must not be blamed on one.
    this.inFlight[0] = 0;
    switch (cmd.type) {
      case 'triggerCheckpoint':
        this.aligner.trigger(this.tasks, cmd.checkpointId);
        for (const o of this.outs) o.flush();
        break;
      case 'completeCheckpoint': {
        this.aligner.complete(cmd.checkpointId);
        for (const h of this.hosts.values()) {
          this.current.host = h;
          h.op.onCheckpointComplete?.(cmd.checkpointId);
        }
        this.current.host = null;
        // The final checkpoint waits for connector sinks to send what they committed.
        if (cmd.final) void this.settleSinks().then((ok) => ok && this.committed(cmd.checkpointId));
        else this.committed(cmd.checkpointId);
        break;
      }
      case 'pauseSources':
        if (this.scheduler) this.scheduler.sourcesPaused = true;
        break;
      case 'injectEvents':
        this.inject(cmd.nodeId, cmd.events, cmd.port);
        break;
      case 'tapEdge':
        this.metrics.setTap(cmd.edgeIndex, cmd.on);
        break;
      case 'shutdown':
        this.shutdown();
        break;
      case 'startWorker':
        break;
    }
    this.scheduler?.wake();
  }

  /**
   * The node whose code is running now, for error reports: the instance an event is being
   * delivered to (in a fused chain, the deepest one), else the one the worker called last.
   */
  get currentNodeId(): string | null {
    const slot = this.inFlight[0] as number;
    const delivering = slot > 0 ? this.plan.instances[this.instanceKeys[slot - 1] as string] : undefined;
    return delivering?.nodeId ?? this.current.host?.plan.nodeId ?? null;
  }

  shutdown(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.reportMetrics();
    this.scheduler?.stop();
    if (this.metricsHandle) clearInterval(this.metricsHandle);
    this.timers.stop();
    for (const h of this.hosts.values()) {
      try {
        h.op.close?.();
      } catch {
        // closing is best effort: the run is over
      }
    }
  }

  /**
   * The run's last checkpoint is durable: connector sinks send what it covers, and sources
   * their last acknowledgements, before the worker confirms (then the run ends). Bounded, so a broker that is away does not hold a stop
   * forever: what is not sent stays in the outbox, and the next run sends it.
   */
  private async settleSinks(): Promise<boolean> {
    const waits: Array<Promise<boolean>> = [];
    for (const h of this.hosts.values()) {
      const w = h.op.settle?.(SETTLE_AT_END_MS);
      if (w) waits.push(w);
    }
    if (waits.length === 0) return true;
    const results = await Promise.all(waits.map((w) => w.catch(() => false)));
    // A connection that failed for good (a refused login found only now) fails the run.
    for (const h of this.hosts.values()) {
      const status = h.op.connectorStatus?.();
      if (status?.state === 'failed') {
        this.current.host = h;
        this.fail(Object.assign(new Error(status.error ?? 'the connection failed'), { name: 'UserError' }));
        return false;
      }
    }
    if (results.includes(false)) {
      this.deps.post({
        type: 'logged',
        nodeId: null,
        level: 'warn',
        message: 'some connector output is not confirmed yet; it stays in the outbox and the next run sends it',
      });
    }
    return true;
  }

  /** What each instance gets from this worker (see InstanceServices). */
  private services(inst: PlanInstance): InstanceServices {
    const edgeIndexById = this.edgeIndexById;
    const writeConsole = (line: string): void => {
      this.consoleLines.push(line);
      this.consoleNodes.push(inst.nodeId);
    };
    const notify = (title: string, body: string): void =>
      this.deps.post({ type: 'notified', nodeId: inst.nodeId, title, body });
    const taskOf = (host: InstanceHost): Task | undefined => this.taskById.get(host.plan.taskId);
    const counters = this.metrics.counters;
    return {
      counters,
      tapped: this.metrics.tapped,
      tapSample: (edgeIndex, e) => this.metrics.tapSample(edgeIndex, e),
      setTimer: (host, at) => this.timers.set(host, at),
      pauseTask: (host, until) => {
        const t = taskOf(host);
        if (t && until > t.pausedUntil) {
          t.pausedUntil = until;
          t.pausedBy = host;
          t.pauses = true;
        }
        this.timers.armAt(until);
      },
      wake: (host) => {
        const t = taskOf(host);
        if (t) this.scheduler?.wakeTask(t);
      },
      deadLetter: (nodeId, e, error) => this.deadLetters.push({ nodeId, error, event: envelopeOf(e), time: wallNow() }),
      log: (nodeId, level, message) => this.deps.post({ type: 'logged', nodeId, level, message }),
      io: this.deps.makeIo(this.start, inst, writeConsole, notify),
      subscriptions: (i, port) => Object.keys(i.outputs).filter((p) => p.startsWith(`${port}:`)),
      reportLag: (_i, port, lag, skipped) => {
        const idx = edgeIndexById.get(port.slice(port.indexOf(':') + 1));
        if (idx !== undefined) {
          counters.edgeLag[idx] = lag;
          counters.edgeSkipped[idx] = skipped;
        }
      },
      inFlight: this.inFlight,
      setAside: (host, e, reason) => {
        counters.nodeErrors[host.nodeIndex] = (counters.nodeErrors[host.nodeIndex] as number) + 1;
        this.deadLetters.push({ nodeId: host.plan.nodeId, error: reason, event: envelopeOf(e), time: wallNow() });
      },
    };
  }

  /**
   * Per instance: the fused edges into it, whose producers share its thread and wait when it
   * pauses or refuses input. A task root's channel producers measure their own wait.
   */
  private fusedEdgesInto(): Map<InstanceHost, number[]> {
    const into = new Map<InstanceHost, number[]>();
    for (const h of this.hosts.values()) {
      for (const routes of Object.values(h.routes)) {
        for (const r of routes) {
          if (r.kind !== 'fused') continue;
          let list = into.get(r.target);
          if (!list) into.set(r.target, (list = []));
          list.push(r.edgeIndex);
        }
      }
    }
    return into;
  }

  /**
   * Replayed dead letters enter their node between turns, as if they had just arrived on its
   * input; with parallelism, each goes to the instance its key hashes to (if it lives here).
   * A source has no input: a letter of one (its expression failed) cannot go back in.
   */
  private inject(nodeId: string, events: EventEnvelope[], toPort?: string): void {
    const now = wallNow();
    for (const env of events) {
      const e: SluiceEvent = { id: env.id, key: env.key, time: env.time, value: env.value, emittedAt: now };
      for (const h of this.hosts.values()) {
        if (h.plan.nodeId !== nodeId || h.source !== null) continue;
        if (h.plan.index !== partitionOf(e.key, h.plan.parallelism)) continue;
        this.current.host = h;
        const port = toPort ?? this.deps.registry.get(h.plan.type)?.ports(h.plan.config).inputs[0] ?? 'in';
        h.deliverReplayed(e, port);
      }
    }
    this.current.host = null;
    for (const o of this.outs) o.flush();
  }

  /** Post what the last turn buffered: console lines and dead letters, one message each. */
  private postBuffered(): void {
    if (this.consoleLines.length > 0) {
      this.deps.post({ type: 'consoleWritten', lines: this.consoleLines, nodes: this.consoleNodes });
      this.consoleLines = [];
      this.consoleNodes = [];
    }
    if (this.deadLetters.length > 0) {
      this.deps.post({ type: 'deadLettered', rows: this.deadLetters });
      this.deadLetters = [];
    }
  }

  private reportMetrics(): void {
    this.metrics.report(this.start.worker, { ins: this.ins, outs: this.outs, hosts: this.hosts.values() }, (f) =>
      this.deps.post(f),
    );
  }

  /**
   * Tell the coordinator checkpoint `checkpointId` is committed here, once every commit that
   * runs in the background (`durable()`: a sink's I/O on the thread pool) is recorded.
   */
  private committed(checkpointId: number): void {
    const post = (): void => {
      if (this.stopped) return;
      // Counters first, so the coordinator's frame after the final checkpoint is exact.
      this.reportMetrics();
      this.deps.post({ type: 'checkpointCommitted', checkpointId, worker: this.start.worker });
    };
    const waits: Promise<void>[] = [];
    for (const h of this.hosts.values()) {
      const d = h.op.durable?.();
      if (d) waits.push(d);
    }
    if (waits.length === 0) post();
    else Promise.all(waits).then(post, (err: unknown) => this.fail(err));
  }

  private fail(err: unknown): void {
    const userError = err instanceof Error && err.name === 'UserError';
    const message = err instanceof Error ? (userError ? err.message : (err.stack ?? err.message)) : String(err);
    this.deps.post({ type: 'workerFailed', worker: this.start.worker, message, userError, nodeId: this.currentNodeId });
    this.shutdown();
  }
}
