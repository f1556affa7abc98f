import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { ExecutionPlan } from '../compiler/ExecutionPlan.js';
import type { EventSchema } from '../contract/index.js';
import { wallNow } from './clock.js';
import { POISON_ATTEMPTS, type PoisonTracker } from './PoisonTracker.js';
import type { StartWorker, WorkerCommand, WorkerFact } from './protocol.js';
import { PROTOCOL_VERSION } from './protocol.js';
import type { RestartBudget } from './RestartBudget.js';
import { workerUrl } from './workerUrl.js';

/** A worker silent this long is stuck (user code that never returns), by default. */
export const DEFAULT_HANG_TIMEOUT_MS = 10_000;
/**
 * A worker that has not started yet gets at least this long: loading code (from TypeScript
 * source in tests, through tsx, over a second on a busy machine) is not a node hanging.
 */
export const STARTUP_TIMEOUT_MS = 10_000;
/** After shutdown, workers get this long to close their files before their threads end. */
const SHUTDOWN_GRACE_MS = 50;
/**
 * A worker's young generation (V8's nursery, where an event's objects are born and die). A
 * worker allocates a few objects per event and keeps almost none: a larger nursery means fewer
 * scavenges for the same garbage (standard pipeline into sink.file, chain worker: GC 14 % of
 * its time with the default).
 */
const YOUNG_GENERATION_MB = 96;

export interface SupervisorOptions {
  plan: ExecutionPlan;
  /** The graph's contracts (`StartWorker.schemas`). */
  schemas?: readonly EventSchema[];
  baseDir: string;
  statePath: string | null;
  metricsIntervalMs: number;
  hangTimeoutMs: number;
  budget: RestartBudget;
  poison: PoisonTracker;
  /** A fact from a worker of the current generation (`workerStarted` and crashes are handled here). */
  fact(f: WorkerFact): void;
  /** Every worker of a new generation has started. */
  started(): void;
  /**
   * The workers died and will be replaced after a backoff (a restart taken from the budget);
   * `reason` says why.
   */
  restarting(reason: string): void;
  /** A new generation replaced them (spawned from `restorePoint()`, not yet started). */
  respawned(): void;
  /** The restart budget is spent: the run fails with `reason`. */
  gaveUp(reason: string): void;
  /** What a new generation restores: the latest completed checkpoint. */
  restorePoint(): StartWorker['restore'];
}

interface LiveWorker {
  index: number;
  thread: Worker;
  lastHeard: number;
  started: boolean;
  /** The in-flight cell (see `StartWorker.progress`). */
  inFlight: Float64Array;
}

/**
 * Keeps a run's workers alive, a generation at a time: spawns them with their channels,
 * watches them (a worker that exits, throws or stays silent past the hang timeout is dead),
 * and replaces the whole generation from the latest checkpoint, within the restart budget.
 *
 * A death, step by step (exactly once per generation; later exits of the same generation,
 * including those of threads terminated here, are ignored, so nothing recurses):
 * 1. the generation is retired and its threads terminated;
 * 2. the dead worker's in-flight cell names the event it was delivering (PoisonTracker);
 * 3. the budget is asked for a restart: none left, the run gives up with the reason;
 * 4. otherwise, after a backoff, a new generation starts from the latest checkpoint, setting
 *    aside any event found to be poison.
 */
export class WorkerSupervisor {
  private workers: LiveWorker[] = [];
  private generation = 0;
  private startedCount = 0;
  private ended = false;
  private hangTimer: NodeJS.Timeout | null = null;
  private respawnTimer: NodeJS.Timeout | null = null;

  constructor(private readonly o: SupervisorOptions) {}

  /** Workers of the current generation (0 while restarting). */
  get size(): number {
    return this.workers.length;
  }

  /** True once every worker of the current generation has started. */
  get ready(): boolean {
    return this.workers.length > 0 && this.startedCount === this.workers.length;
  }

  /** Start a generation from `restore`. */
  spawn(restore: StartWorker['restore']): void {
    const plan = this.o.plan;
    const generation = ++this.generation;
    this.startedCount = 0;
    this.o.poison.started();
    const skip = this.o.poison.skips();
    const ports: Array<Record<number, MessagePort>> = Array.from({ length: plan.workers }, () => ({}));
    for (const ch of plan.channels) {
      if (ch.fromWorker === ch.toWorker) continue;
      const { port1, port2 } = new MessageChannel();
      ports[ch.fromWorker]![ch.id] = port1;
      ports[ch.toWorker]![ch.id] = port2;
    }
    this.workers = [];
    for (let i = 0; i < plan.workers; i++) {
      const thread = new Worker(workerUrl(), { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
      const progress = new SharedArrayBuffer(16);
      const w: LiveWorker = {
        index: i,
        thread,
        lastHeard: wallNow(),
        started: false,
        inFlight: new Float64Array(progress),
      };
      this.workers.push(w);
      const current = (): boolean => !this.ended && this.generation === generation;
      thread.on('message', (f: WorkerFact) => {
        if (!current()) return;
        w.lastHeard = wallNow();
        if (f.type === 'workerStarted') w.started = true;
        this.onFact(f, i);
      });
      thread.on('error', (err) => {
        if (current()) this.died(i, `worker ${i} crashed: ${firstLine(err.message)}`, 'crashed its worker');
      });
      thread.on('exit', (code) => {
        if (current()) this.died(i, `worker ${i} exited (code ${code})`, `made its worker exit (code ${code})`);
      });
      const start: StartWorker = {
        type: 'startWorker',
        protocol: PROTOCOL_VERSION,
        plan,
        schemas: this.o.schemas ?? [],
        worker: i,
        baseDir: this.o.baseDir,
        statePath: this.o.statePath,
        restore,
        ports: ports[i]!,
        metricsIntervalMs: this.o.metricsIntervalMs,
        progress,
        skip,
      };
      thread.postMessage(start, Object.values(ports[i]!));
    }
    this.watch();
  }

  broadcast(cmd: WorkerCommand): void {
    for (const w of this.workers) w.thread.postMessage(cmd);
  }

  /** Debug: end a worker as a crash would (no checkpoint, no goodbye); the run recovers. */
  crash(): void {
    const w = this.workers[0];
    if (!this.ended && w) void w.thread.terminate();
  }

  /** The run is over: workers close their files, then their threads end. */
  shutdown(): void {
    if (this.ended) return;
    this.broadcast({ type: 'shutdown' });
    this.ended = true;
    if (this.hangTimer) clearInterval(this.hangTimer);
    if (this.respawnTimer) clearTimeout(this.respawnTimer);
    this.hangTimer = this.respawnTimer = null;
    const threads = this.workers.map((w) => w.thread);
    this.workers = [];
    setTimeout(() => {
      for (const t of threads) void t.terminate();
    }, SHUTDOWN_GRACE_MS);
  }

  private onFact(f: WorkerFact, worker: number): void {
    if (f.type === 'workerStarted') {
      this.startedCount++;
      if (this.ready) this.o.started();
    } else if (f.type === 'workerFailed' && !f.userError) {
      const where = f.nodeId ? ` in node "${f.nodeId}"` : '';
      this.died(worker, `worker ${worker} failed${where}: ${firstLine(f.message)}`, `failed: ${firstLine(f.message)}`);
    } else {
      this.o.fact(f);
    }
  }

  /** Check for silent workers on a timer of its own, not inside any other work. */
  private watch(): void {
    if (this.hangTimer) return;
    const hang = this.o.hangTimeoutMs;
    const startup = Math.max(hang, STARTUP_TIMEOUT_MS);
    this.hangTimer = setInterval(
      () => {
        const now = wallNow();
        const stuck = this.workers.find((w) => now - w.lastHeard > (w.started ? hang : startup));
        if (!stuck) return;
        const s = +(hang / 1000).toFixed(1);
        this.died(
          stuck.index,
          `worker ${stuck.index} stopped responding for ${s} s (a node's code may never return)`,
          `hung its worker for ${s} s`,
        );
      },
      Math.max(25, Math.min(1000, hang / 4)),
    );
  }

  /**
   * Worker `index` of the current generation is dead (`reason` for the run, `cause` for a
   * dead letter: what the event did). See the class comment for the steps.
   */
  private died(index: number, reason: string, cause: string): void {
    const dead = this.workers[index];
    if (this.ended || !dead) return;
    // Read the dead worker's cell first: it names the event it was delivering.
    const inFlight = this.o.poison.read(dead.inFlight);
    const old = this.workers;
    this.workers = [];
    this.generation++;
    for (const w of old) void w.thread.terminate();
    const found = this.o.poison.died(inFlight, cause);
    const where = found ? ` at node "${found.node}"` : '';
    const again = found && found.deaths >= POISON_ATTEMPTS ? `the same event ${found.deaths} times` : '';
    const budget = this.o.budget;
    if (!budget.take()) {
      this.o.gaveUp(`${reason}${where}${again ? ` (${again})` : ''}; gave up after ${budget.describe()}`);
      return;
    }
    const why = `${reason}${where}${again ? ` (${again}: it goes to the dead letters)` : ''}`;
    this.o.restarting(why);
    this.respawnTimer = setTimeout(() => {
      this.respawnTimer = null;
      if (this.ended) return;
      let restore: StartWorker['restore'];
      try {
        restore = this.o.restorePoint();
      } catch (err) {
        this.o.gaveUp(
          `${why}; the last checkpoint cannot be restored: ${err instanceof Error ? err.message : String(err)}`,
        );
        return;
      }
      this.spawn(restore);
      this.o.respawned();
    }, budget.backoffMs());
  }
}

function firstLine(text: string): string {
  const i = text.indexOf('\n');
  return i < 0 ? text : text.slice(0, i);
}
