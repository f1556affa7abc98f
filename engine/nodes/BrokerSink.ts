import type { BrokerRecord, BrokerWriter, ConnectorKind, ConnectorStatus } from '../contract/connector.js';
import type { SluiceEvent } from '../contract/event.js';
import { envelopeOf } from '../contract/event.js';
import type { Emitter, OperatorContext } from '../contract/operator.js';
import { partitionOf } from '../contract/partition.js';
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
  /** `${partition}` in the subject: hash(key) % this; 0: no partition in the subject. */
  private readonly partitions: number;
  /** Put before each event id to make the record id (a broker topic's `Nats-Msg-Id`). */
  private readonly idPrefix: string;

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
    const p = Number(c.partitions ?? 1);
    this.partitions = this.subject?.includes('${partition}') ? (Number.isInteger(p) && p >= 1 ? p : 1) : 0;
    this.idPrefix = typeof c.idPrefix === 'string' ? c.idPrefix : '';
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
    const r: BrokerRecord = { id: this.idPrefix + e.id, key: e.key, time: e.time, payload };
    if (this.keyed || this.partitions > 0) {
      let subject = this.subject!;
      if (this.keyed) subject = subject.split('${key}').join(e.key ?? '_');
      if (this.partitions > 0)
        subject = subject.split('${partition}').join(String(partitionOf(e.key, this.partitions)));
      r.subject = subject;
    }
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
