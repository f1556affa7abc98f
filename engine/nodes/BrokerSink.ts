import type { BrokerRecord, BrokerWriter, ConnectorKind, ConnectorStatus } from '../contract/connector.js';
import type { SluiceEvent } from '../contract/event.js';
import { envelopeOf } from '../contract/event.js';
import type { Emitter, OperatorContext } from '../contract/operator.js';
import { TwoPhaseSink, type TwoPhaseTarget } from './stagedBatches.js';

/**
 * The operator every connector sink shares (SPEC §10): events become records (payload, id,
 * subject with `${key}` filled in), which go through the two phases of `TwoPhaseSink` into the
 * io layer's `BrokerWriter`: its durable outbox, sent when the checkpoint completes. The sink
 * refuses input while the outbox is full (a broker away holds the graph back).
 */
export class BrokerSinkOperator extends TwoPhaseSink<BrokerRecord> {
  private writer: BrokerWriter | null = null;
  private readonly envelope: boolean;
  private readonly text: boolean;
  private readonly subject: string | null;
  private readonly keyed: boolean;

  constructor(
    protected readonly ctx: OperatorContext,
    private readonly connector: ConnectorKind,
    /** The config field holding the destination (`subject`, `topic`, `routingKey`), if any. */
    subjectField?: string,
  ) {
    super();
    const c = ctx.config;
    this.envelope = c.envelope === true;
    this.text = c.format === 'text';
    const s = subjectField ? c[subjectField] : undefined;
    this.subject = typeof s === 'string' && s !== '' ? s : null;
    this.keyed = this.subject !== null && this.subject.includes('${key}');
  }

  protected connect(): TwoPhaseTarget<BrokerRecord> {
    this.writer = this.ctx.io.openBrokerWriter({ kind: this.connector, config: this.ctx.config });
    return this.writer;
  }

  process(e: SluiceEvent, _port: string, _out: Emitter): void {
    this.add(this.recordOf(e));
  }

  /** The record of one event; subclasses may add to it (a row key). */
  protected recordOf(e: SluiceEvent): BrokerRecord {
    const body = this.envelope ? envelopeOf(e) : e.value;
    const payload = this.text && typeof body === 'string' ? body : (JSON.stringify(body) ?? 'null');
    const r: BrokerRecord = { id: e.id, key: e.key, time: e.time, payload };
    if (this.keyed) r.subject = this.subject!.split('${key}').join(e.key ?? '_');
    return r;
  }

  accepts(): boolean {
    return this.writer?.ready() ?? true;
  }

  connectorStatus(): ConnectorStatus | null {
    return this.writer?.status() ?? null;
  }

  settle(ms: number): Promise<boolean> {
    return this.writer ? this.writer.settle(ms) : Promise.resolve(true);
  }
}
