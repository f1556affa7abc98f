import type { SluiceEvent } from '../contract/event.js';
import type { Emitter, Operator } from '../contract/operator.js';

/**
 * The output buffer every exactly-once sink shares (SPEC §6), the sink's half of a two-phase
 * commit whose other half is the io layer (`TransactionalFile`, `TransactionalTable`):
 * 1. `add` buffers output as events arrive and hands it to the io layer's `write` in batches
 *    (appended to the open staging segment, not yet durable).
 * 2. At a barrier, `stageTo` hands the rest to the io layer's `stage`, which makes everything
 *    since the last barrier durable but invisible (a staging file, a staging table). The
 *    checkpoint itself holds no output: it stays small and fast whatever the sink's rate.
 * 3. When the checkpoint completes, the sink calls the io layer's `commit(id)`; after a crash
 *    the io layer drops what checkpoints after the restored one staged.
 */
/** Items handed to the io layer's `write` at a time, between barriers (a sink may choose fewer). */
export const WRITE_BATCH = 4096;

export class StagedBatches<T> {
  private buffer: T[] = [];

  constructor(private readonly writeBatch = WRITE_BATCH) {}

  /**
   * Buffer one item; every `writeBatch` items go to the io layer's `write` (pre-staging), so
   * the work is spread over the checkpoint interval and a barrier only seals what is there.
   */
  add(item: T, write: (items: T[]) => void): void {
    this.buffer.push(item);
    if (this.buffer.length >= this.writeBatch) {
      write(this.buffer);
      this.buffer = [];
    }
  }

  /** `add` for `items[from..to)`. */
  addRange(items: readonly T[], from: number, to: number, write: (items: T[]) => void): void {
    const buffer = this.buffer;
    for (let i = from; i < to; i++) buffer.push(items[i] as T);
    if (buffer.length >= this.writeBatch) {
      write(buffer);
      this.buffer = [];
    }
  }

  /** Always calls `stage`, also with nothing buffered: earlier `write`s belong to this checkpoint. */
  stageTo(checkpointId: number, stage: (checkpointId: number, items: T[]) => void): void {
    stage(checkpointId, this.buffer);
    this.buffer = [];
  }

  /**
   * A snapshot written before output was staged outside checkpoints held the output itself
   * (`[{ checkpointId, lines }]`): stage it, so an upgrade mid-run loses nothing.
   */
  restoreLegacy(state: unknown, stage: (checkpointId: number, items: T[]) => void): void {
    this.buffer = [];
    if (!Array.isArray(state)) return;
    for (const b of state as Array<{ checkpointId?: unknown; lines?: unknown }>) {
      if (typeof b?.checkpointId === 'number' && Array.isArray(b.lines) && b.lines.length > 0) {
        stage(b.checkpointId, b.lines as T[]);
      }
    }
  }

  /** Items buffered since the last barrier, for the state-size metric. */
  size(): number {
    return this.buffer.length;
  }
}

/** What a two-phase sink writes to: the io layer's `TransactionalFile` or `TransactionalTable`. */
export interface TwoPhaseTarget<T> {
  write(items: readonly T[]): void;
  stage(checkpointId: number, items: readonly T[]): void;
  seal?(checkpointId: number, items: readonly T[]): Promise<void>;
  commitInBackground?(checkpointId: number): Promise<void>;
  commit(checkpointId: number): void;
  close(): void;
}

/**
 * An exactly-once sink: the subclass turns events into items (`add`) and says how to open its
 * target; the two-phase lifecycle is here. Items go to the target in batches as they arrive,
 * the rest is staged at the barrier (the checkpoint holds nothing), and the checkpoint's output
 * is committed once it is durable.
 */
export abstract class TwoPhaseSink<T> implements Operator {
  private readonly batches: StagedBatches<T>;
  private target: TwoPhaseTarget<T> | null = null;
  /** The last seal or commit in flight (its I/O on the thread pool), until it settles. */
  private sealing: Promise<void> | null = null;
  private readonly write = (items: T[]): void => this.openTarget().write(items);

  /** `writeBatch`: items handed to the target's `write` at a time (`WRITE_BATCH`). */
  constructor(writeBatch = WRITE_BATCH) {
    this.batches = new StagedBatches<T>(writeBatch);
  }

  /** Open the io layer's target; called once, at open or at first use. */
  protected abstract connect(): TwoPhaseTarget<T>;

  abstract process(e: SluiceEvent, port: string, out: Emitter, input: number): void;

  protected add(item: T): void {
    this.batches.add(item, this.write);
  }

  /** `add` for `items[from..to)`. */
  protected addRange(items: readonly T[], from: number, to: number): void {
    this.batches.addRange(items, from, to, this.write);
  }

  private openTarget(): TwoPhaseTarget<T> {
    this.target ??= this.connect();
    return this.target;
  }

  open(): void {
    this.openTarget();
  }

  /**
   * Stages the items since the last barrier in the io layer; the checkpoint holds nothing. A
   * target that can seal off the thread does: the operator goes on while the fsync runs, and
   * the runtime waits for `durable()` before it reports the snapshot.
   */
  snapshot(checkpointId: number): unknown {
    const target = this.openTarget();
    if (target.seal) {
      this.batches.stageTo(checkpointId, (id, items) => this.inBackground(target.seal!(id, items)));
    } else {
      this.batches.stageTo(checkpointId, (id, items) => target.stage(id, items));
    }
    return undefined;
  }

  durable(): Promise<void> | null {
    return this.sealing;
  }

  /** The target's background work settles in order: the last one stands for all. */
  private inBackground(work: Promise<void>): void {
    this.sealing = work;
    void work.then(
      () => {
        if (this.sealing === work) this.sealing = null;
      },
      () => undefined, // reported through durable()
    );
  }

  /** Commits in the background when the target can; `durable()` settles once it is recorded. */
  onCheckpointComplete(checkpointId: number): void {
    const target = this.openTarget();
    if (target.commitInBackground) this.inBackground(target.commitInBackground(checkpointId));
    else target.commit(checkpointId);
  }

  restore(state: unknown): void {
    const target = this.openTarget();
    this.batches.restoreLegacy(state, (id, items) => target.stage(id, items));
  }

  stateSize(): number {
    return this.batches.size();
  }

  close(): void {
    this.target?.close();
    this.target = null;
  }
}
