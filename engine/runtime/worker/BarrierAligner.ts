import type { ChannelControl } from '../protocol.js';
import type { SnapshotEncoder } from './SnapshotEncoder.js';
import type { Task } from './Task.js';

/**
 * The in-line signals of a task's channels: what arrives at the heads of its inputs between
 * events, and what it sends on after them (protocol guarantees 3 and 4).
 *
 * - end-of-stream: popped when it reaches the head; the input is then done.
 * - barrier n: the input is held until barrier n is at the head of every input that has not
 *   ended (alignment); then the task's instances snapshot and barrier n goes on every output,
 *   after the events emitted before it.
 *
 * - watermark: popped at the head (and between batches by the scheduler) into the channel's
 *   signal; the task's root instance forwards it (InstanceHost.inputWatermark), in order on
 *   its outputs like a barrier.
 */
export class BarrierAligner {
  /** Highest checkpoint triggered, and highest completed, as this worker has heard. */
  private triggered = -1;
  private completed = -1;

  constructor(private readonly encoder: SnapshotEncoder) {}

  /** The worker restored checkpoint `checkpointId`: every task stands at it. */
  restored(tasks: readonly Task[], checkpointId: number): void {
    for (const t of tasks) t.lastSnapshot = checkpointId;
    this.completed = checkpointId;
  }

  /**
   * `triggerCheckpoint`: sources snapshot their position and start barrier n downstream; so do
   * tasks whose inputs have all ended (no barrier will reach them).
   */
  trigger(tasks: readonly Task[], checkpointId: number): void {
    this.triggered = Math.max(this.triggered, checkpointId);
    for (const task of tasks) {
      if (task.isSource || task.inputs.every((ch) => ch.ended)) this.snapshot(task, checkpointId);
    }
  }

  /** `completeCheckpoint`: checkpoint n is durable. */
  complete(checkpointId: number): void {
    this.completed = Math.max(this.completed, checkpointId);
  }

  /**
   * The controls at the heads of a task's inputs: pop end-of-stream markers, and when one
   * barrier is at the head of every input still open, snapshot and forward it. Returns true if
   * anything moved. Events behind a control wait (the channel stops at it).
   */
  handleInputs(task: Task): boolean {
    let moved = false;
    let barrier: number | null = null;
    let unaligned = 0;
    for (const ch of task.inputs) {
      if (ch.ended) continue;
      let c = ch.peekControl();
      while (c?.kind === 'watermark') {
        ch.popControl();
        task.root.inputWatermark(ch.input, ch.watermark, ch.idle);
        moved = true;
        c = ch.peekControl();
      }
      if (c?.kind === 'end') {
        ch.popControl();
        // An ended input holds nothing back: its watermark is +∞.
        task.root.inputWatermark(ch.input, Number.POSITIVE_INFINITY, false);
        moved = true;
        continue;
      }
      if (c?.kind === 'barrier') barrier = c.checkpointId;
      else unaligned++;
    }
    if (barrier !== null && unaligned === 0) {
      for (const ch of task.inputs) if (!ch.ended && ch.peekControl()?.kind === 'barrier') ch.popControl();
      this.snapshot(task, barrier);
      moved = true;
    }
    return moved;
  }

  /**
   * Every input of the task has ended. If upstream ended before it could pass on a checkpoint
   * in flight, everything it will ever send has now arrived: this is the task's consistent
   * state for that checkpoint.
   */
  inputsEnded(task: Task): void {
    if (this.triggered > task.lastSnapshot && this.triggered > this.completed) this.snapshot(task, this.triggered);
  }

  /**
   * Snapshot every instance of the task (consistent: between turns nothing is half done), then
   * put the barrier on every output after the events already pushed.
   */
  snapshot(task: Task, checkpointId: number): void {
    if (task.lastSnapshot >= checkpointId) return;
    task.lastSnapshot = checkpointId;
    this.encoder.snapshot(task.hosts, checkpointId);
    if (task.phase !== 'ended') this.send(task, { kind: 'barrier', checkpointId });
  }

  /** End-of-stream on every output: the last message the task sends. */
  end(task: Task): void {
    this.send(task, { kind: 'end' });
  }

  private send(task: Task, control: ChannelControl): void {
    for (const o of task.outputs) o.pushControl(control);
  }
}
