/** Output a sink staged at one checkpoint, waiting for that checkpoint to complete. */
export interface StagedBatch<T> {
  checkpointId: number;
  lines: T[];
}

/**
 * The two-phase commit every exactly-once sink shares (SPEC §6):
 * 1. `add` buffers output as events arrive.
 * 2. `stage(cpId)` moves the buffer under the checkpoint id and returns every staged but not
 *    yet committed batch: that is the sink's snapshot, stored with the checkpoint.
 * 3. `commitThrough(cpId, commit)` commits, in order, every staged batch with id ≤ cpId.
 * 4. `restore(batches)` re-stages what a snapshot held; the runtime then completes the
 *    checkpoint again, and the io layer's per-id idempotence keeps each commit single.
 */
export class StagedBatches<T> {
  private buffer: T[] = [];
  private staged: Array<StagedBatch<T>> = [];

  add(item: T): void {
    this.buffer.push(item);
  }

  stage(checkpointId: number): Array<StagedBatch<T>> {
    this.staged.push({ checkpointId, lines: this.buffer });
    this.buffer = [];
    return this.staged.slice();
  }

  commitThrough(checkpointId: number, commit: (checkpointId: number, items: T[]) => void): void {
    while (this.staged.length > 0 && (this.staged[0] as StagedBatch<T>).checkpointId <= checkpointId) {
      const batch = this.staged[0] as StagedBatch<T>;
      // Empty batches need no write (and no fsync).
      if (batch.lines.length > 0) commit(batch.checkpointId, batch.lines);
      this.staged.shift();
    }
  }

  restore(state: unknown): void {
    this.buffer = [];
    this.staged = Array.isArray(state)
      ? (state as Array<StagedBatch<T>>)
          .filter((b) => typeof b?.checkpointId === 'number' && Array.isArray(b.lines))
          .map((b) => ({ checkpointId: b.checkpointId, lines: b.lines.slice() }))
          .sort((a, b) => a.checkpointId - b.checkpointId)
      : [];
  }

  /** Items buffered or staged, for the state-size metric. */
  size(): number {
    let n = this.buffer.length;
    for (const b of this.staged) n += b.lines.length;
    return n;
  }
}
