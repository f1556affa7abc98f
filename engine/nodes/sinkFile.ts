import type { NodeDescriptor } from '../contract/descriptor.js';
import type { SluiceEvent } from '../contract/event.js';
import { envelopeJson, valueJson } from '../contract/event.js';
import type { OperatorContext } from '../contract/operator.js';
import { TwoPhaseSink, type TwoPhaseTarget } from './stagedBatches.js';

/**
 * `sink.file`: JSON Lines, exactly once. Lines are staged per checkpoint and appended only when
 * that checkpoint is durable (see `TwoPhaseSink`).
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

const FILE_WRITE_BATCH = 1024;

class FileSinkOperator extends TwoPhaseSink<string> {
  private readonly envelope: boolean;
  /** Values alone are written as their JSON texts: a batch that crossed a thread undecoded is taken whole. */
  readonly processValueTexts?: (texts: readonly string[], from: number, to: number) => void;

  constructor(private readonly ctx: OperatorContext) {
    // A write is a join and a write(2) on the sink's thread: in steps of 1,024 lines (about 45 KB)
    // the thread takes the next batch, and pays its credit back, sooner than after 4,096 (the
    // producer across the hop waited for credit behind each longer write).
    super(FILE_WRITE_BATCH);
    this.envelope = ctx.config.envelope === true;
    if (!this.envelope) this.processValueTexts = (texts, from, to) => this.addRange(texts, from, to);
  }

  protected connect(): TwoPhaseTarget<string> {
    const contract = typeof this.ctx.config.contract === 'string' ? this.ctx.config.contract : undefined;
    return this.ctx.io.openTransactionalFile(this.ctx.io.resolvePath(String(this.ctx.config.path)), contract);
  }

  process(e: SluiceEvent): void {
    // A value still encoded is written as the text it arrived as: no parse, no stringify.
    this.add(this.envelope ? envelopeJson(e) : valueJson(e));
  }
}
