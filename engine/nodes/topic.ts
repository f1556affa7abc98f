import type { NodeDescriptor } from '../contract/descriptor.js';
import type { SluiceEvent } from '../contract/event.js';
import type { Emitter, Operator, OperatorContext } from '../contract/operator.js';
import { brokerConfigProblems } from '../graph/brokerTopics.js';
import { CONNECT_TIMEOUT_FIELD, urlField } from './connectorFields.js';

type Overflow = 'block' | 'drop-oldest';

interface TopicSnapshot {
  /** Absolute offset of `events[0]`. */
  tail: number;
  events: SluiceEvent[];
  /** Next offset to read, per subscription port. */
  offsets: Record<string, number>;
  skipped: Record<string, number>;
}

/**
 * `topic`: pub-sub with a retained log. Every outgoing edge is its own subscription port
 * (`ctx.subscriptions('out')`) with its own offset, read at its own pace in `pump`.
 *
 * The log keeps exactly what the slowest subscriber has not read, capped at `retentionEvents`:
 * - `block`: `accepts()` turns false at the cap, so publishers wait for the slowest subscriber.
 * - `drop-oldest`: the oldest event is evicted; a subscriber left behind the tail skips ahead,
 *   and the skipped events are counted as dropped and reported with its lag.
 */
export const topic: NodeDescriptor = {
  type: 'topic',
  title: 'Topic',
  category: 'routing',
  doc:
    'A pub-sub topic. Publishers write to its input; each outgoing edge is a separate subscription ' +
    'that reads every event at its own pace, and its consumer lag is shown on the edge. When a ' +
    'subscriber falls `retentionEvents` behind, `block` makes publishers wait and `drop-oldest` ' +
    'makes that subscriber skip the oldest events (counted). With a broker (a NATS JetStream stream), ' +
    'every event it receives is published to the stream and its subscribers read from the stream, ' +
    'so graphs in other processes or on other machines exchange events through it, exactly once.',
  config: {
    name: { kind: 'string', label: 'Name', doc: 'The topic name, shown on the canvas.', required: true },
    retentionEvents: {
      kind: 'number',
      label: 'Retention (events)',
      doc: 'How many unread events the topic holds for its slowest subscriber.',
      default: 100000,
      min: 1,
      integer: true,
    },
    overflow: {
      kind: 'enum',
      values: ['block', 'drop-oldest'],
      label: 'When full',
      doc: 'Make publishers wait for the slowest subscriber (block) or let it skip the oldest events (drop-oldest).',
      default: 'block',
    },
    broker: {
      kind: 'record',
      label: 'Broker',
      doc:
        'Back the topic by a NATS JetStream stream (created if missing, subjects `<stream>.<partition>`): ' +
        'what it receives is published there when the checkpoint covering it completes, deduplicated by ' +
        'event id, and its subscribers read the stream from the sequence in their checkpoint. A graph with ' +
        'only its input connected publishes; one with only its outputs connected subscribes. Empty: an ' +
        'in-process topic.',
      fields: {
        url: urlField('nats://127.0.0.1:4222'),
        stream: {
          kind: 'string',
          label: 'Stream',
          doc: 'The JetStream stream: letters, digits, `-` and `_`.',
          required: true,
        },
        partitions: {
          kind: 'number',
          label: 'Partitions',
          doc: "Subjects the key is hashed over (`<stream>.0` …). Default: the graph's partitions setting, else 1. Publishers and subscribers of one stream must agree.",
          min: 1,
          max: 4096,
          integer: true,
        },
        connectTimeoutMs: CONNECT_TIMEOUT_FIELD,
      },
    },
  },
  check: (config) => brokerConfigProblems(config),
  ports: () => ({ inputs: ['in'], outputs: ['out'] }),
  runsUserCode: false,
  changesKey: false,
  maxParallelism: 1,
  create: (ctx) => new TopicOperator(ctx),
};

class TopicOperator implements Operator {
  private readonly retention: number;
  private readonly dropOldest: boolean;
  /** Retained events from `start` on; the array is compacted now and then, not shifted. */
  private log: SluiceEvent[] = [];
  private start = 0;
  /** Absolute offset of `log[start]`. */
  private tail = 0;
  private ports: string[] = [];
  private offsets: number[] = [];
  private skipped: number[] = [];
  private restored: TopicSnapshot | null = null;

  constructor(private readonly ctx: OperatorContext) {
    this.retention = Math.max(1, Math.floor(Number(ctx.config.retentionEvents ?? 100000)));
    this.dropOldest = (ctx.config.overflow as Overflow | undefined) === 'drop-oldest';
  }

  open(): void {
    this.ports = this.ctx.subscriptions('out');
    this.offsets = this.ports.map(() => this.tail);
    this.skipped = this.ports.map(() => 0);
    if (this.restored !== null) this.applyRestored(this.restored);
  }

  private get head(): number {
    return this.tail + this.log.length - this.start;
  }

  private get retained(): number {
    return this.log.length - this.start;
  }

  process(e: SluiceEvent): void {
    // No subscriber reads it: nothing to retain (and nothing to block on).
    if (this.ports.length === 0) return;
    if (this.dropOldest && this.retained >= this.retention) this.evict(this.retained - this.retention + 1);
    this.log.push(e);
  }

  private evict(n: number): void {
    this.start += n;
    this.tail += n;
    if (this.start > 1024 && this.start * 2 > this.log.length) {
      this.log = this.log.slice(this.start);
      this.start = 0;
    }
  }

  accepts(): boolean {
    return this.dropOldest || this.retained < this.retention;
  }

  hasPending(): boolean {
    const head = this.head;
    for (let s = 0; s < this.offsets.length; s++) if ((this.offsets[s] as number) < head) return true;
    return false;
  }

  pump(out: Emitter, credit: (port: string) => number): void {
    const head = this.head;
    let slowest = head;
    for (let s = 0; s < this.ports.length; s++) {
      const port = this.ports[s] as string;
      let offset = this.offsets[s] as number;
      if (offset < this.tail) {
        const skip = this.tail - offset;
        this.skipped[s] = (this.skipped[s] as number) + skip;
        this.ctx.countDropped(skip);
        offset = this.tail;
      }
      const n = Math.min(Math.max(0, credit(port)), head - offset);
      const base = this.start - this.tail;
      for (let i = offset; i < offset + n; i++) out.emit(port, this.log[base + i] as SluiceEvent);
      offset += n;
      this.offsets[s] = offset;
      this.ctx.reportLag(port, head - offset, this.skipped[s] as number);
      if (offset < slowest) slowest = offset;
    }
    // Events every subscriber has read are not kept.
    if (slowest > this.tail) this.evict(slowest - this.tail);
  }

  snapshot(): unknown {
    const offsets: Record<string, number> = {};
    const skipped: Record<string, number> = {};
    this.ports.forEach((p, s) => {
      offsets[p] = this.offsets[s] as number;
      skipped[p] = this.skipped[s] as number;
    });
    const snap: TopicSnapshot = { tail: this.tail, events: this.log.slice(this.start), offsets, skipped };
    return snap;
  }

  restore(state: unknown): void {
    const s = state as TopicSnapshot | null;
    if (s === null || !Array.isArray(s.events)) return;
    this.restored = s;
    if (this.ports.length > 0) this.applyRestored(s);
  }

  /** A subscription new since the snapshot (an added edge) starts at the tail. */
  private applyRestored(s: TopicSnapshot): void {
    this.log = s.events.slice();
    this.start = 0;
    this.tail = s.tail;
    this.offsets = this.ports.map((p) => (typeof s.offsets[p] === 'number' ? Math.max(s.offsets[p], s.tail) : s.tail));
    this.skipped = this.ports.map((p) => s.skipped?.[p] ?? 0);
    this.restored = null;
  }

  stateSize(): number {
    return this.retained;
  }
}
