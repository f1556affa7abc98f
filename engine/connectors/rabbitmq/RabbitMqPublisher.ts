import amqp from 'amqplib';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import type { BrokerRecord, BrokerWriterOptions, ConnectorStatus } from '../../contract/connector.js';
import { UserError } from '../../contract/operator.js';
import type { RabbitMqQueueType } from './RabbitMqReader.js';
import { rabbitMqFailure } from './rabbitMqFailure.js';
import type { PlatformPublisher } from '../PlatformPublisher.js';

/**
 * `sink.rabbitmq`'s connection: a confirm channel (publisher confirms), persistent messages
 * with `message-id` = the event id and `x-event-time` = the event time in ms. The queue, when
 * configured, is declared if missing (and bound to a named exchange with a fixed routing key);
 * a named exchange must exist.
 */
export class RabbitMqPublisher implements PlatformPublisher {
  private readonly url: string;
  private readonly exchange: string;
  private readonly routingKey: string;
  private readonly queue: string;
  private readonly queueType: RabbitMqQueueType;
  private readonly connectTimeoutMs: number;
  private model: ChannelModel | null = null;
  private channel: ConfirmChannel | null = null;
  private current: ConnectorStatus = { state: 'connecting', attempts: 0, lag: null };
  private closed = false;

  constructor(options: BrokerWriterOptions) {
    const c = options.config;
    this.url = String(c.url ?? 'amqp://127.0.0.1:5672');
    this.exchange = typeof c.exchange === 'string' ? c.exchange : '';
    this.queue = typeof c.queue === 'string' ? c.queue : '';
    this.routingKey = typeof c.routingKey === 'string' && c.routingKey !== '' ? c.routingKey : this.queue;
    this.queueType = c.queueType === 'stream' || c.queueType === 'quorum' ? c.queueType : 'classic';
    this.connectTimeoutMs = typeof c.connectTimeoutMs === 'number' ? c.connectTimeoutMs : 10_000;
  }

  async publish(records: readonly BrokerRecord[]): Promise<void> {
    if (this.closed) throw new Error('closed');
    try {
      const channel = this.channel ?? (await this.connect());
      for (const r of records) {
        const ok = channel.publish(this.exchange, r.subject ?? this.routingKey, Buffer.from(r.payload, 'utf8'), {
          messageId: r.id,
          persistent: true,
          contentType: 'application/json',
          timestamp: Math.floor(r.time / 1000),
          headers: { 'x-event-time': r.time },
        });
        if (!ok) await new Promise((resolve) => channel.once('drain', resolve));
      }
      await channel.waitForConfirms();
      this.current = { state: 'connected', attempts: 0, lag: null };
    } catch (err) {
      this.drop();
      const failure = rabbitMqFailure(this.url, err);
      this.current = {
        state: failure.permanent ? 'failed' : 'reconnecting',
        attempts: this.current.attempts + 1,
        error: failure.line,
        lag: records.length,
      };
      throw failure.permanent ? new UserError(failure.line) : new Error(failure.line);
    }
  }

  status(): ConnectorStatus {
    return { ...this.current };
  }

  close(): void {
    this.closed = true;
    this.current = { ...this.current, state: 'closed' };
    this.drop();
  }

  private async connect(): Promise<ConfirmChannel> {
    const model = await amqp.connect(this.url, { timeout: this.connectTimeoutMs });
    this.model = model;
    model.on('error', () => undefined);
    model.on('close', () => {
      if (this.model === model) this.drop();
    });
    const channel = await model.createConfirmChannel();
    let channelError: unknown = null;
    channel.on('error', (err: unknown) => (channelError = err));
    channel.on('close', () => {
      if (this.channel === channel || this.channel === null) this.drop();
    });
    try {
      if (this.exchange !== '') await channel.checkExchange(this.exchange);
      if (this.queue !== '') {
        await channel.assertQueue(this.queue, { durable: true, arguments: { 'x-queue-type': this.queueType } });
        if (this.exchange !== '' && !this.routingKey.includes('${'))
          await channel.bindQueue(this.queue, this.exchange, this.routingKey);
      }
    } catch (err) {
      throw channelError ?? err;
    }
    this.channel = channel;
    this.current = { state: 'connected', attempts: 0, lag: null };
    return channel;
  }

  private drop(): void {
    const model = this.model;
    this.model = null;
    this.channel = null;
    model?.close().catch(() => undefined);
  }
}
