import { createHash } from 'node:crypto';
import amqp from 'amqplib';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { BrokerMessage, BrokerReader, BrokerReaderOptions, ConnectorStatus } from '../../contract/connector.js';
import { errorLine, reconnectDelay } from '../adapterSupport.js';
import { rabbitMqFailure } from './rabbitMqFailure.js';

export type RabbitMqQueueType = 'classic' | 'quorum' | 'stream';

/** A stream's resume position: the offset of the last message the graph took. */
interface StreamPosition {
  offset: number;
}

/** A delivery taken by the graph, with the channel generation that can still acknowledge it. */
interface Taken {
  generation: number;
  msg: ConsumeMessage;
}

const LAG_POLL_MS = 2_000;

/**
 * `source.rabbitmq`'s connection, over AMQP 0-9-1 with amqplib.
 *
 * - classic and quorum queues: at-least-once. Deliveries are not acknowledged when taken: `mark`
 *   remembers the last delivery a checkpoint covers and `acknowledge` acks up to it (`allUpTo`)
 *   once the checkpoint is durable, so a crash before that makes the broker redeliver. The
 *   prefetch bounds what is unacknowledged, so it must cover one checkpoint interval's input.
 * - stream queues: exactly-once by offset. The offset of the last message taken is the
 *   position; a restored run consumes again with `x-stream-offset` = that offset + 1 (and
 *   skips what the broker resends from the start of its chunk). Deliveries are acknowledged as
 *   they are taken: on a stream an ack only returns consumer credit.
 *
 * The connection is retried with backoff (`reconnecting`); a refused login, an unknown vhost
 * or a queue that exists with other arguments is `failed`, as is a broker never reached
 * within `connectTimeoutMs` of the start.
 */
export class RabbitMqReader implements BrokerReader {
  readonly ended = false;
  private readonly url: string;
  private readonly queue: string;
  private readonly queueType: RabbitMqQueueType;
  private readonly prefetch: number;
  private readonly startFrom: string;
  private readonly connectTimeoutMs: number;
  private readonly onReadable: () => void;
  private model: ChannelModel | null = null;
  private channel: Channel | null = null;
  /** Bumped per channel: delivery tags mean nothing on another channel. */
  private generation = 0;
  private buffer: ConsumeMessage[] = [];
  private head = 0;
  private lastTaken: Taken | null = null;
  private readonly marks = new Map<number, Taken>();
  /** Streams: the offset of the last message taken, or null before the first. */
  private offset: number | null;
  private current: ConnectorStatus = { state: 'connecting', attempts: 0, lag: null };
  private closed = false;
  private readonly lagTimer: ReturnType<typeof setInterval>;

  constructor(options: BrokerReaderOptions) {
    const c = options.config;
    this.url = String(c.url ?? 'amqp://127.0.0.1:5672');
    this.queue = String(c.queue ?? '');
    this.queueType = c.queueType === 'stream' || c.queueType === 'quorum' ? c.queueType : 'classic';
    this.prefetch = typeof c.prefetch === 'number' && c.prefetch > 0 ? Math.floor(c.prefetch) : 10_000;
    this.startFrom = c.startFrom === 'next' ? 'next' : 'first';
    this.connectTimeoutMs = typeof c.connectTimeoutMs === 'number' ? c.connectTimeoutMs : 10_000;
    this.onReadable = options.onReadable;
    const resume = options.resumeFrom as Partial<StreamPosition> | null;
    this.offset = typeof resume?.offset === 'number' ? resume.offset : null;
    this.lagTimer = setInterval(() => this.pollLag(), LAG_POLL_MS);
    this.lagTimer.unref();
    void this.keepConnected();
  }

  take(max: number): BrokerMessage[] {
    const out: BrokerMessage[] = [];
    const channel = this.channel;
    let last: ConsumeMessage | null = null;
    while (this.head < this.buffer.length && out.length < max) {
      const msg = this.buffer[this.head++] as ConsumeMessage;
      last = msg;
      if (this.queueType === 'stream') {
        const offset = streamOffsetOf(msg);
        // A consumer starting at an offset gets the whole chunk that holds it.
        if (this.offset !== null && offset <= this.offset) continue;
        this.offset = offset;
        out.push(this.toMessage(msg, `${this.queue}:${offset}`));
      } else {
        out.push(this.toMessage(msg, idOf(this.queue, msg)));
      }
    }
    if (this.head > 4096 || this.head === this.buffer.length) {
      this.buffer = this.buffer.slice(this.head);
      this.head = 0;
    }
    if (last !== null && channel !== null) {
      if (this.queueType === 'stream') channel.ack(last, true);
      else this.lastTaken = { generation: this.generation, msg: last };
    }
    return out;
  }

  mark(checkpointId: number): unknown {
    if (this.queueType === 'stream') return this.offset === null ? null : { offset: this.offset };
    if (this.lastTaken !== null) this.marks.set(checkpointId, this.lastTaken);
    this.lastTaken = null;
    return null;
  }

  acknowledge(checkpointId: number): void {
    let upTo: Taken | null = null;
    for (const [id, taken] of this.marks) {
      if (id > checkpointId) break;
      upTo = taken;
      this.marks.delete(id);
    }
    // Deliveries of an earlier channel are redelivered by the broker: at-least-once.
    if (upTo !== null && upTo.generation === this.generation && this.channel !== null) {
      this.channel.ack(upTo.msg, true);
    }
  }

  status(): ConnectorStatus {
    return { ...this.current };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.lagTimer);
    this.current = { ...this.current, state: 'closed' };
    const model = this.model;
    const channel = this.channel;
    this.model = null;
    this.channel = null;
    // Closing the channel first sends the acks still queued on it; unacknowledged deliveries
    // go back to the queue.
    void (channel?.close() ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => model?.close())
      .catch(() => undefined);
  }

  private toMessage(msg: ConsumeMessage, id: string): BrokerMessage {
    const p = msg.properties;
    return {
      id,
      payload: msg.content.toString('utf8'),
      subject: msg.fields.routingKey,
      headers: headersOf(p.headers),
      time: timeOf(p.headers?.['x-event-time'] ?? p.timestamp),
    };
  }

  /** Connect, consume until the connection drops, and again with backoff until closed or failed. */
  private async keepConnected(): Promise<void> {
    const startedAt = Date.now();
    let everUp = false;
    let attempts = 0;
    while (!this.closed) {
      let dropped: unknown = null;
      try {
        const closedWith = await this.connect();
        everUp = true;
        attempts = 0;
        dropped = await closedWith;
      } catch (err) {
        dropped = err;
      }
      this.dropConnection();
      if (this.closed) return;
      const failure = rabbitMqFailure(this.url, dropped ?? new Error('connection closed'));
      attempts++;
      if (failure.permanent || (!everUp && Date.now() - startedAt >= this.connectTimeoutMs)) {
        this.current = { state: 'failed', attempts, error: failure.line, lag: this.current.lag };
        return;
      }
      this.current = { state: 'reconnecting', attempts, error: failure.line, lag: this.current.lag };
      await new Promise((resolve) => setTimeout(resolve, reconnectDelay(attempts)));
    }
  }

  /** One connection: declare, consume; resolves to a promise of the error that ends it. */
  private async connect(): Promise<Promise<unknown>> {
    const model = await amqp.connect(this.url, { timeout: this.connectTimeoutMs });
    this.model = model;
    let lastError: unknown = null;
    const ended = new Promise<unknown>((resolve) => {
      model.on('error', (err: unknown) => (lastError = err));
      model.on('close', (err?: unknown) => resolve(err ?? lastError ?? new Error('connection closed')));
    });
    const channel = await model.createChannel();
    channel.on('error', (err: unknown) => (lastError = err));
    // A channel closed by the server (a bad ack, a deleted queue) ends the connection too.
    channel.on('close', () => void model.close().catch(() => undefined));
    const declared = await channel.assertQueue(this.queue, {
      durable: true,
      arguments: { 'x-queue-type': this.queueType },
    });
    if (this.queueType !== 'stream') this.current = { ...this.current, lag: declared.messageCount };
    await channel.prefetch(this.prefetch);
    if (this.closed) throw new Error('closed');
    this.generation++;
    this.channel = channel;
    const args =
      this.queueType === 'stream' ? { 'x-stream-offset': this.offset === null ? this.startFrom : this.offset + 1 } : {};
    await channel.consume(
      this.queue,
      (msg) => {
        // null: the broker cancelled the consumer (the queue was deleted): start over.
        if (msg === null) return void model.close().catch(() => undefined);
        const wasEmpty = this.head === this.buffer.length;
        this.buffer.push(msg);
        if (wasEmpty) this.onReadable();
      },
      { noAck: false, arguments: args },
    );
    this.current = { state: 'connected', attempts: 0, lag: this.current.lag };
    return ended;
  }

  private dropConnection(): void {
    const model = this.model;
    this.model = null;
    this.channel = null;
    this.buffer = [];
    this.head = 0;
    this.lastTaken = null;
    model?.close().catch(() => undefined);
  }

  private pollLag(): void {
    const channel = this.channel;
    if (channel === null || this.queueType === 'stream') return;
    channel.checkQueue(this.queue).then(
      (q) => (this.current = { ...this.current, lag: q.messageCount }),
      (err: unknown) => (this.current = { ...this.current, error: errorLine(err) }),
    );
  }
}

function streamOffsetOf(msg: ConsumeMessage): number {
  const raw: unknown = msg.properties.headers?.['x-stream-offset'];
  return typeof raw === 'number' ? raw : Number(raw);
}

/**
 * A classic or quorum queue has no position, so a message's id is its `message-id` (sink.rabbitmq
 * sets it to the event id) or, without one, a hash of its content, timestamp and routing key:
 * stable when the broker redelivers it.
 */
function idOf(queue: string, msg: ConsumeMessage): string {
  const messageId: unknown = msg.properties.messageId;
  if (typeof messageId === 'string' && messageId !== '') return messageId;
  const hash = createHash('sha256')
    .update(msg.fields.routingKey)
    .update('\0')
    .update(String(msg.properties.timestamp ?? ''))
    .update('\0')
    .update(msg.content)
    .digest('hex')
    .slice(0, 24);
  return `${queue}:${hash}`;
}

function headersOf(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || v === null) continue;
    out[k] = typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : JSON.stringify(v);
  }
  return out;
}

/** `x-event-time` (ms, set by sink.rabbitmq) or the AMQP timestamp: seconds, though some publishers put ms there. */
function timeOf(timestamp: unknown): number | null {
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) return null;
  return timestamp < 1e11 ? timestamp * 1000 : timestamp;
}
