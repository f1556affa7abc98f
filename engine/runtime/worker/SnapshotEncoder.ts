import { encodeState, encodeStateInSlices } from '../../store/stateCodec.js';
import type { WorkerFact } from '../protocol.js';
import type { CurrentHost } from './CurrentHost.js';
import type { InstanceHost } from './InstanceHost.js';

/** Longest a turn spends encoding slices of handed-over snapshots, ms. */
const SLICE_BUDGET_MS = 1;

interface EncodingJob {
  checkpointId: number;
  host: InstanceHost;
  /** The host's stream position when it snapshotted (the fact reports it). */
  received: number;
  setAside: number;
  steps: Generator<void, Uint8Array, void>;
  /** The longest pause this snapshot has cost so far: building it, or one slice. */
  pauseMs: number;
}

/**
 * Takes the snapshots of a task's instances and posts them to the coordinator encoded.
 *
 * A snapshot the operator hands over (`snapshotOwned`: fresh columns it never touches again)
 * is encoded in slices by the following turns, about 1 ms each, so the operator pauses only
 * to build it; the checkpoint waits for the last slice. Every other snapshot is encoded at
 * once, between turns, where nothing is half done. A snapshot whose output is still being made
 * durable in the background (`durable()`: a sink's seal fsync on the thread pool) is posted
 * when that settles; the operator's turns go on meanwhile.
 */
export class SnapshotEncoder {
  private readonly jobs: EncodingJob[] = [];

  constructor(
    private readonly post: (fact: WorkerFact, transfer?: ArrayBuffer[]) => void,
    private readonly current: CurrentHost,
    /** Ask for another turn (a job was queued). */
    private readonly wake: () => void,
    /** A background seal failed: the worker fails, as for a throw. */
    private readonly fail: (err: unknown) => void = (err) => {
      throw err;
    },
  ) {}

  /** True while handed-over snapshots wait for slices. */
  get pending(): boolean {
    return this.jobs.length > 0;
  }

  /** Snapshot every host for checkpoint `checkpointId`, in order. */
  snapshot(hosts: readonly InstanceHost[], checkpointId: number): void {
    for (const h of hosts) {
      this.current.host = h;
      const started = performance.now();
      const state = h.op.snapshot?.(checkpointId);
      if (h.op.snapshotOwned && state !== undefined) {
        this.jobs.push({
          checkpointId,
          host: h,
          received: h.received,
          setAside: h.setAsideCount,
          steps: encodeStateInSlices(state),
          pauseMs: performance.now() - started,
        });
        this.wake();
        continue;
      }
      const bytes = encodeState(state);
      this.send(checkpointId, h, h.received, h.setAsideCount, bytes, performance.now() - started);
    }
    this.current.host = null;
  }

  /** Encode slices of the oldest handed-over snapshot for up to ~1 ms; post it when done. */
  encodeSlices(): void {
    const job = this.jobs[0];
    if (!job) return;
    const started = performance.now();
    let step = job.steps.next();
    while (!step.done && performance.now() - started < SLICE_BUDGET_MS) step = job.steps.next();
    job.pauseMs = Math.max(job.pauseMs, performance.now() - started);
    if (!step.done) return;
    this.jobs.shift();
    this.send(job.checkpointId, job.host, job.received, job.setAside, step.value, job.pauseMs);
  }

  private send(
    checkpointId: number,
    h: InstanceHost,
    received: number,
    setAside: number,
    state: Uint8Array,
    pauseMs: number,
  ): void {
    const durable = h.op.durable?.();
    if (durable) {
      durable.then(
        () => this.post(fact(checkpointId, h, received, setAside, state, pauseMs), [state.buffer as ArrayBuffer]),
        (err: unknown) => this.fail(err),
      );
      return;
    }
    this.post(fact(checkpointId, h, received, setAside, state, pauseMs), [state.buffer as ArrayBuffer]);
  }
}

function fact(
  checkpointId: number,
  h: InstanceHost,
  received: number,
  setAside: number,
  state: Uint8Array,
  pauseMs: number,
): WorkerFact {
  return {
    type: 'snapshotTaken',
    checkpointId,
    instance: h.plan.key,
    state,
    bytes: state.byteLength,
    pauseMs,
    received,
    setAside,
  };
}
