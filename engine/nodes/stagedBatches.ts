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
/** Items handed to the io layer's `write` at a time, between barriers. */
export const WRITE_BATCH = 4096;

export class StagedBatches<T> {
  private buffer: T[] = [];

  /**
   * Buffer one item; every `WRITE_BATCH` items go to the io layer's `write` (pre-staging), so
   * the work is spread over the checkpoint interval and a barrier only seals what is there.
   */
  add(item: T, write: (items: T[]) => void): void {
    this.buffer.push(item);
    if (this.buffer.length >= WRITE_BATCH) {
      write(this.buffer);
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
