import type { NodeDescriptor } from '../contract/descriptor.js';
import type { SluiceEvent } from '../contract/event.js';
import { envelopeOf } from '../contract/event.js';
import type { Operator, OperatorContext, TransactionalFile } from '../contract/operator.js';
import { StagedBatches } from './stagedBatches.js';

/**
 * `sink.file`: JSON Lines, exactly once. Lines are staged per checkpoint and appended only when
 * that checkpoint is durable (see `StagedBatches`).
 */
export const sinkFile: NodeDescriptor = {
  type: 'sink.file',
  title: 'File sink',
  category: 'sink',
  doc:
    'Writes one JSON line per event: the value, or the whole event ({ id, key, time, value }) with ' +
    '`envelope`. Exactly once: lines are appended when the checkpoint covering them completes, so ' +
    'after a crash the file holds each result once.',
  config: {
    path: { kind: 'path', label: 'File', doc: 'The file to append to; relative to the graph file.', required: true },
    format: {
      kind: 'enum',
      values: ['jsonl'],
      label: 'Format',
      doc: 'JSON Lines: one JSON value per line.',
      default: 'jsonl',
    },
    envelope: {
      kind: 'boolean',
      label: 'Whole event',
      doc: 'Write { id, key, time, value } instead of the value alone.',
      default: false,
    },
  },
  ports: () => ({ inputs: ['in'], outputs: [] }),
  runsUserCode: false,
  changesKey: false,
  blocking: true,
  create: (ctx) => new FileSinkOperator(ctx),
};

class FileSinkOperator implements Operator {
  private readonly batches = new StagedBatches<string>();
  private file: TransactionalFile | null = null;
  private readonly envelope: boolean;

  private readonly write = (lines: string[]): void => this.openFile().write(lines);

  constructor(private readonly ctx: OperatorContext) {
    this.envelope = ctx.config.envelope === true;
  }

  open(): void {
    this.openFile();
  }

  private openFile(): TransactionalFile {
    this.file ??= this.ctx.io.openTransactionalFile(this.ctx.io.resolvePath(String(this.ctx.config.path)));
    return this.file;
  }

  process(e: SluiceEvent): void {
    this.batches.add(JSON.stringify(this.envelope ? envelopeOf(e) : e.value) ?? 'null', this.write);
  }

  /** Stages the lines since the last barrier in the io layer; the checkpoint holds nothing. */
  snapshot(checkpointId: number): unknown {
    const file = this.openFile();
    this.batches.stageTo(checkpointId, (id, lines) => file.stage(id, lines));
    return undefined;
  }

  onCheckpointComplete(checkpointId: number): void {
    this.openFile().commit(checkpointId);
  }

  restore(state: unknown): void {
    const file = this.openFile();
    this.batches.restoreLegacy(state, (id, lines) => file.stage(id, lines));
  }

  stateSize(): number {
    return this.batches.size();
  }

  close(): void {
    this.file?.close();
    this.file = null;
  }
}
