import { createHash, randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import type { IPublishPacket, MqttClient, Packet } from 'mqtt';
import type { BrokerMessage, BrokerReader, BrokerReaderOptions, ConnectorStatus } from '../../contract/connector.js';
import { reconnectDelay, safeUrl } from '../adapterSupport.js';
import { mqttFailure } from './mqttFailure.js';

type SendPacket = (packet: Packet, cb?: (err?: Error) => void, cbStorePut?: () => void, noStore?: boolean) => void;

/** QoS 0 messages are not held back by the broker: beyond this many waiting, new ones are dropped. */
const QOS0_BUFFER = 10_000;

/**
 * `source.mqtt`'s connection (mqtt.js, MQTT 5).
 *
 * With `clientId` set the session is persistent (clean start off, no session expiry), so the
 * broker keeps QoS 1/2 messages while the run is away. Acknowledgements are held back: a
 * QoS 1 message's PUBACK (a QoS 2 message's PUBREC) is sent only when the checkpoint covering
 * it completes, so a crash before that makes the broker redeliver: at-least-once. mqtt.js acks
 * one message before it parses the next (`customHandleAcks` holds the whole stream), so the
 * reader takes messages in `customHandleAcks`, answers it at once, and holds the ack packet the
 * client then sends (its `_sendPacket`, the one private hook). The broker's in-flight window
 * (`receiveMaximum` = `inflight`) bounds what is unacknowledged, so it must cover one
 * checkpoint interval's input. QoS 0: at-most-once.
 */
export class MqttReader implements BrokerReader {
  readonly ended = false;
  private readonly url: string;
  private readonly topic: string;
  private readonly qos: 0 | 1 | 2;
  private readonly client: MqttClient;
  private readonly onReadable: () => void;
  private buffer: Array<{ message: BrokerMessage; ackable: boolean }> = [];
  private head = 0;
  private generation = 0;
  /** Acks of this connection not yet sent, in the order of their messages. */
  private held: Packet[] = [];
  /** Messages with an ack taken since the connection came up. */
  private ackableTaken = 0;
  private released = 0;
  private readonly marks = new Map<number, { generation: number; upTo: number }>();
  private current: ConnectorStatus = { state: 'connecting', attempts: 0, lag: null };
  private closed = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: BrokerReaderOptions) {
    const c = options.config;
    this.url = String(c.url ?? 'mqtt://127.0.0.1:1883');
    this.topic = String(c.topic ?? '#');
    this.qos = c.qos === 0 || c.qos === 2 ? c.qos : 1;
    this.onReadable = options.onReadable;
    const clientId = typeof c.clientId === 'string' && c.clientId !== '' ? c.clientId : null;
    const inflight =
      typeof c.inflight === 'number' && c.inflight > 0 ? Math.min(65_535, Math.floor(c.inflight)) : 10_000;
    const connectTimeoutMs = typeof c.connectTimeoutMs === 'number' ? c.connectTimeoutMs : 10_000;
    const startedAt = Date.now();
    let everUp = false;
    this.client = mqtt.connect(this.url, {
      protocolVersion: 5,
      clientId: clientId ?? `sluice-${randomBytes(6).toString('hex')}`,
      clean: clientId === null,
      properties: { sessionExpiryInterval: clientId === null ? 0 : 0xffffffff, receiveMaximum: inflight },
      reconnectPeriod: 0,
      connectTimeout: connectTimeoutMs,
      resubscribe: false,
      customHandleAcks: (_topic, _payload, packet, done) => {
        this.receive(packet);
        done(0);
      },
    });
    const internals = this.client as unknown as { _sendPacket: SendPacket };
    const send = internals._sendPacket.bind(this.client);
    internals._sendPacket = (packet, cb, cbStorePut, noStore) => {
      if (packet.cmd === 'puback' || packet.cmd === 'pubrec') {
        this.held.push(packet);
        cb?.();
        return;
      }
      send(packet, cb, cbStorePut, noStore);
    };
    this.client.on('message', (_topic, _payload, packet) => {
      if (packet.qos === 0) this.receive(packet);
    });
    this.client.on('connect', (connack) => {
      this.generation++;
      this.held = [];
      this.ackableTaken = 0;
      this.released = 0;
      this.buffer = [];
      this.head = 0;
      everUp = true;
      // A persistent session keeps its subscription; subscribing again would resend retained messages.
      if (connack.sessionPresent !== true)
        this.client.subscribe(this.topic, { qos: this.qos }, (err, granted) => {
          const refused = granted?.find((g) => g.qos >= 0x80);
          if (err || refused !== undefined) {
            const why = err ? err.message : `reason code 0x${(refused?.qos ?? 0).toString(16)}`;
            this.fail(`MQTT broker at ${safeUrl(this.url)} refused the subscription to ${this.topic}: ${why}`);
          }
        });
      this.current = { state: 'connected', attempts: 0, lag: null };
    });
    this.client.on('error', (err) => {
      const failure = mqttFailure(this.url, err);
      if (failure.permanent) this.fail(failure.line);
      else this.current = { ...this.current, error: failure.line };
    });
    this.client.on('close', () => {
      if (this.closed || this.current.state === 'failed') return;
      const attempts = this.current.attempts + 1;
      const error = this.current.error ?? `MQTT broker at ${safeUrl(this.url)} closed the connection`;
      if (!everUp && Date.now() - startedAt >= connectTimeoutMs) return this.fail(error);
      this.current = { state: 'reconnecting', attempts, error, lag: null };
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        if (!this.closed) this.client.reconnect();
      }, reconnectDelay(attempts));
    });
  }

  take(max: number): BrokerMessage[] {
    const out: BrokerMessage[] = [];
    while (this.head < this.buffer.length && out.length < max) {
      const m = this.buffer[this.head++] as { message: BrokerMessage; ackable: boolean };
      if (m.ackable) this.ackableTaken++;
      out.push(m.message);
    }
    if (this.head > 4096 || this.head === this.buffer.length) {
      this.buffer = this.buffer.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  mark(checkpointId: number): unknown {
    this.marks.set(checkpointId, { generation: this.generation, upTo: this.ackableTaken });
    return null;
  }

  acknowledge(checkpointId: number): void {
    let upTo = -1;
    for (const [id, m] of this.marks) {
      if (id > checkpointId) break;
      this.marks.delete(id);
      // Acks of an earlier connection would name packet ids the broker has since reused.
      if (m.generation === this.generation) upTo = m.upTo;
    }
    if (upTo <= this.released || !this.client.connected) return;
    const internals = this.client as unknown as { _writePacket: (p: Packet, cb?: () => void) => void };
    for (const a of this.held.splice(0, upTo - this.released)) internals._writePacket(a);
    this.released = upTo;
  }

  status(): ConnectorStatus {
    return { ...this.current };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    if (this.current.state !== 'failed') this.current = { ...this.current, state: 'closed' };
    // Not forced: the acks just released are flushed before DISCONNECT.
    this.client.end(false);
  }

  private receive(packet: IPublishPacket): void {
    const qos0 = packet.qos === 0;
    if (qos0 && this.buffer.length - this.head >= QOS0_BUFFER) return;
    const payload = typeof packet.payload === 'string' ? packet.payload : Buffer.from(packet.payload).toString('utf8');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(packet.properties?.userProperties ?? {}))
      headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
    const id =
      headers['message-id'] ??
      `${packet.topic}@${createHash('sha256').update(packet.payload).digest('hex').slice(0, 24)}`;
    const wasEmpty = this.head === this.buffer.length;
    this.buffer.push({ message: { id, payload, subject: packet.topic, headers, time: null }, ackable: !qos0 });
    if (wasEmpty) this.onReadable();
  }

  private fail(line: string): void {
    this.current = { state: 'failed', attempts: this.current.attempts + 1, error: line, lag: null };
    this.client.end(true);
  }
}
