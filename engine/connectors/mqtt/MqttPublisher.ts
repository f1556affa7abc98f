import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import type { BrokerRecord, BrokerWriterOptions, ConnectorStatus } from '../../contract/connector.js';
import { UserError } from '../../contract/operator.js';
import { reconnectDelay, safeUrl } from '../adapterSupport.js';
import type { PlatformPublisher } from '../PlatformPublisher.js';
import { mqttFailure } from './mqttFailure.js';

/**
 * `sink.mqtt`'s connection (mqtt.js, MQTT 5): each record is published on its topic (`${key}`
 * filled in by the node) with the configured QoS and retain flag and a `message-id` user
 * property = the event id. `publish` resolves when the broker acknowledged every message
 * (PUBACK, PUBCOMP; at once for QoS 0), so a sink's guarantee is its QoS's.
 */
export class MqttPublisher implements PlatformPublisher {
  private readonly url: string;
  private readonly topic: string;
  private readonly qos: 0 | 1 | 2;
  private readonly retain: boolean;
  private readonly client: MqttClient;
  private current: ConnectorStatus = { state: 'connecting', attempts: 0, lag: null };
  private closed = false;
  private permanent: string | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: BrokerWriterOptions) {
    const c = options.config;
    this.url = String(c.url ?? 'mqtt://127.0.0.1:1883');
    this.topic = String(c.topic ?? '');
    this.qos = c.qos === 0 || c.qos === 2 ? c.qos : 1;
    this.retain = c.retain === true;
    this.client = mqtt.connect(this.url, {
      protocolVersion: 5,
      clientId: `sluice-sink-${randomBytes(6).toString('hex')}`,
      reconnectPeriod: 0,
      connectTimeout: typeof c.connectTimeoutMs === 'number' ? c.connectTimeoutMs : 10_000,
    });
    this.client.on('connect', () => (this.current = { state: 'connected', attempts: 0, lag: null }));
    this.client.on('error', (err) => {
      const failure = mqttFailure(this.url, err);
      if (failure.permanent) {
        this.permanent = failure.line;
        this.current = { state: 'failed', attempts: this.current.attempts + 1, error: failure.line, lag: null };
        this.client.end(true);
      } else this.current = { ...this.current, error: failure.line };
    });
    this.client.on('close', () => {
      if (this.closed || this.permanent !== null) return;
      const attempts = this.current.attempts + 1;
      const error = this.current.error ?? `MQTT broker at ${safeUrl(this.url)} closed the connection`;
      this.current = { state: 'reconnecting', attempts, error, lag: null };
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        if (!this.closed) this.client.reconnect();
      }, reconnectDelay(attempts));
    });
  }

  async publish(records: readonly BrokerRecord[]): Promise<void> {
    if (this.permanent !== null) throw new UserError(this.permanent);
    if (this.closed) throw new Error('closed');
    if (!this.client.connected) throw new Error(this.current.error ?? `not connected to ${safeUrl(this.url)}`);
    await Promise.all(
      records.map((r) =>
        this.client.publishAsync(r.subject ?? this.topic, r.payload, {
          qos: this.qos,
          retain: this.retain,
          properties: { userProperties: { 'message-id': r.id } },
        }),
      ),
    );
  }

  status(): ConnectorStatus {
    return { ...this.current };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    if (this.current.state !== 'failed') this.current = { ...this.current, state: 'closed' };
    this.client.end(false);
  }
}
