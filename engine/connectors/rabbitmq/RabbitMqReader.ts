import { createHash } from 'node:crypto';
import type * as AmqpLib from 'amqplib';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { BrokerMessage, BrokerReader, BrokerReaderOptions, ConnectorStatus } from '../../contract/connector.js';
import { numberOf, startTimeoutOf, textOf } from '../connectorConfig.js';
import { ManagedConnection } from '../ManagedConnection.js';
import { redactUrl } from '../redactUrl.js';
import { rabbitMqError } from './rabbitMqError.js';

/**
 * The client, loaded when the first AMQP connection opens (as NATS's and PostgreSQL's are): every
 * worker thread loads the connector registry, and most runs never connect to RabbitMQ.
 */
let loading: Promise<typeof AmqpLib> | null = null;

export type RabbitMqQueueType = 'classic' | 'quorum' | 'stream';

/** One AMQP connection with one channel. */
export interface RabbitMqSession {
  model: ChannelModel;
  channel: Channel;
}

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

export function queueTypeOf(config: Readonly<Record<string, unknown>>): RabbitMqQueueType {
  const t = config.queueType;
  return t === 'stream' || t === 'quorum' ? t : 'classic';
}

/**
 * The URL's user and password, percent-decoded as UTF-8. amqplib decodes them with `unescape`,
 * byte by byte, so a non-ASCII password (`p%C3%A4ss` for `päss`) reached the broker mangled.
 * Null without user info: amqplib's default login (guest) applies.
 */
export function loginOf(url: string): { user: string; password: string } | null {
  try {
    const u = new URL(url);
    if (u.username === '' && u.password === '') return null;
    return { user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
  } catch {
    return null;
  }
}

/**
 * Connect (amqplib's own reconnect is none: `ManagedConnection` retries) and open one channel;
 * `prepare` declares what the node needs. Errors the broker means for good are permanent.
 * `onClose` hears when this connection ends, with its error.
 */
export async function openRabbitMq(
  url: string,
  /** Shown by the broker's tools (`rabbitmqctl list_connections user_provided_name`). */
  name: string,
  timeoutMs: number,
  confirm: boolean,
  prepare: (channel: Channel) => Promise<void>,
  onClose: (err: unknown) => void,
): Promise<RabbitMqSession> {
  let model: ChannelModel;
  try {
    const amqp = await (loading ??= import('amqplib'));
    const login = loginOf(url);
    model = await amqp.connect(url, {
      timeout: timeoutMs,
      clientProperties: { connection_name: name },
      ...(login ? { credentials: amqp.credentials.plain(login.user, login.password) } : {}),
    });
  } catch (err) {
    throw rabbitMqError(err);
  }
  let lastError: unknown = null;
  model.on('error', (err: unknown) => (lastError = err));
  model.on('close', (err?: unknown) =>
    onClose(rabbitMqError(err ?? lastError ?? new Error('the broker closed the connection'))),
  );
  try {
    const channel = confirm ? await model.createConfirmChannel() : await model.createChannel();
    channel.on('error', (err: unknown) => (lastError = err));
    // A channel closed by the server (a bad ack, a deleted queue) ends the connection too.
    channel.on('close', () => void model.close().catch(() => undefined));
    await prepare(channel);
    return { model, channel };
  } catch (err) {
    await model.close().catch(() => undefined);
    throw rabbitMqError(lastError ?? err);
  }
}

/** Close the channel first: it sends the acks still queued on it. */
export async function closeRabbitMq(s: RabbitMqSession): Promise<void> {
  await s.channel.close().catch(() => undefined);
  await s.model.close().catch(() => undefined);
}

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
 * Either way the prefetch bounds the buffer: the broker sends no more until acks return credit.
 */
export class RabbitMqReader implements BrokerReader {
  readonly ended = false;
  private readonly conn: ManagedConnection<RabbitMqSession>;
  private readonly queue: string;
  private readonly queueType: RabbitMqQueueType;
  private readonly startFrom: string;
  /** Bumped per session: delivery tags mean nothing on another channel. */
  private generation = 0;
  private buffer: ConsumeMessage[] = [];
  private head = 0;
  private lastTaken: Taken | null = null;
  private readonly marks = new Map<number, Taken>();
  /** Streams: the offset of the last message taken, or null before the first. */
  private offset: number | null;
  private depth: number | null = null;
  private readonly lagTimer: ReturnType<typeof setInterval>;
  private readonly onReadable: () => void;

  constructor(o: BrokerReaderOptions) {
    const c = o.config;
    const url = textOf(c, 'url') ?? 'amqp://127.0.0.1:5672';
    this.queue = textOf(c, 'queue') ?? '';
    this.queueType = queueTypeOf(c);
    const prefetch = Math.max(1, Math.floor(numberOf(c, 'prefetch', 10_000)));
    this.startFrom = c.startFrom === 'next' ? 'next' : 'first';
    this.onReadable = o.onReadable;
    const resume = o.resumeFrom as Partial<StreamPosition> | null;
    this.offset = typeof resume?.offset === 'number' ? resume.offset : null;
    const timeout = startTimeoutOf(c);
    this.conn = new ManagedConnection<RabbitMqSession>({
      where: `RabbitMQ at ${redactUrl(url)}`,
      startTimeoutMs: timeout,
      open: async () => {
        let s: RabbitMqSession | null = null;
        s = await openRabbitMq(
          url,
          `sluice source ${this.queue}`,
          Math.min(timeout, 10_000),
          false,
          async (channel) => {
            const q = await channel.assertQueue(this.queue, {
              durable: true,
              arguments: { 'x-queue-type': this.queueType },
            });
            this.depth = this.queueType === 'stream' ? null : q.messageCount;
            await channel.prefetch(prefetch);
          },
          (err) => {
            if (s !== null && this.conn.session === s) this.conn.lost(err);
          },
        );
        return s;
      },
      shut: closeRabbitMq,
      up: (s) => void this.consume(s),
      changed: () => o.onReadable(),
    });
    this.lagTimer = setInterval(() => this.pollDepth(), LAG_POLL_MS);
    this.lagTimer.unref();
    this.conn.start();
  }

  take(max: number): BrokerMessage[] {
    const out: BrokerMessage[] = [];
    let last: ConsumeMessage | null = null;
    while (this.head < this.buffer.length && out.length < max) {
      const msg = this.buffer[this.head++] as ConsumeMessage;
      last = msg;
      if (this.queueType === 'stream') {
        const offset = streamOffsetOf(msg);
        // A consumer starting at an offset gets the whole chunk that holds it.
        if (this.offset !== null && offset <= this.offset) continue;
        this.offset = offset;
        out.push(messageOf(msg, `${this.queue}:${offset}`));
      } else {
        out.push(messageOf(msg, idOf(this.queue, msg)));
      }
    }
    if (this.head > 4096 || this.head === this.buffer.length) {
      this.buffer = this.buffer.slice(this.head);
      this.head = 0;
    }
    const session = this.conn.session;
    if (last !== null && session !== null) {
      if (this.queueType === 'stream') session.channel.ack(last, true);
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
    const session = this.conn.session;
    // Deliveries of an earlier channel are redelivered by the broker: at-least-once.
    if (upTo !== null && upTo.generation === this.generation && session !== null) session.channel.ack(upTo.msg, true);
  }

  status(): ConnectorStatus {
    return this.conn.status(this.depth === null ? null : this.depth + this.buffer.length - this.head);
  }

  close(): void {
    clearInterval(this.lagTimer);
    this.generation++;
    this.conn.close();
  }

  private async consume(s: RabbitMqSession): Promise<void> {
    const generation = ++this.generation;
    // What the last channel delivered and the graph did not take comes again (classic), or
    // is read again after the offset (stream).
    this.buffer = [];
    this.head = 0;
    this.lastTaken = null;
    const args =
      this.queueType === 'stream' ? { 'x-stream-offset': this.offset === null ? this.startFrom : this.offset + 1 } : {};
    try {
      await s.channel.consume(
        this.queue,
        (msg) => {
          if (generation !== this.generation) return;
          // null: the broker cancelled the consumer (the queue was deleted): start over.
          if (msg === null) return this.conn.lost(new Error(`the queue ${this.queue} was deleted`));
          this.buffer.push(msg);
          if (this.buffer.length - this.head === 1) this.onReadable();
        },
        { noAck: false, arguments: args },
      );
    } catch (err) {
      if (this.conn.session === s) this.conn.lost(rabbitMqError(err));
    }
  }

  private pollDepth(): void {
    const s = this.conn.session;
    if (s === null || this.queueType === 'stream') return;
    s.channel.checkQueue(this.queue).then(
      (q) => (this.depth = q.messageCount),
      () => undefined,
    );
  }
}

function messageOf(msg: ConsumeMessage, id: string): BrokerMessage {
  const p = msg.properties;
  return {
    id,
    payload: msg.content.toString('utf8'),
    subject: msg.fields.routingKey,
    headers: headersOf(p.headers),
    time: timeOf(p.headers?.['x-event-time'] ?? p.timestamp),
  };
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
