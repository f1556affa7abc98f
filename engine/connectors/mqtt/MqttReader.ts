import { createHash } from 'node:crypto';
import type { IPublishPacket, MqttClient, Packet } from 'mqtt';
import type { BrokerMessage, BrokerReader, BrokerReaderOptions, ConnectorStatus } from '../../contract/connector.js';
import { ConnectorError } from '../ConnectorError.js';
import { numberOf, startTimeoutOf, textOf } from '../connectorConfig.js';
import { ManagedConnection } from '../ManagedConnection.js';
import { redactUrl } from '../redactUrl.js';
import { openMqtt } from './openMqtt.js';

type SendPacket = (packet: Packet, cb?: (err?: Error) => void, cbStorePut?: () => void, noStore?: boolean) => void;

/** One connection, with the acks it holds back. */
interface MqttSession {
  client: MqttClient;
  /** PUBACKs (QoS 1) and PUBRECs (QoS 2) not yet sent, in the order of their messages. */
  held: Packet[];
  /** Messages with an ack that the graph has taken, and how many of those acks were sent. */
  ackableTaken: number;
  released: number;
}

interface Buffered {
  message: BrokerMessage;
  session: MqttSession;
  ackable: boolean;
}

/** QoS 0 messages are not held back by the broker: beyond this many waiting, new ones are dropped. */
const QOS0_BUFFER = 10_000;

/**
 * `source.mqtt`'s connection (mqtt.js, MQTT 5).
 *
 * With `clientId` set the session is persistent (clean start off, no session expiry), so the
 * broker keeps QoS 1/2 messages while the run is away. Acknowledgements are held back: a
 * QoS 1 message's PUBACK (a QoS 2 message's PUBREC) is sent only when the checkpoint covering
 * it completes, so a crash before that makes the broker redeliver: at-least-once. mqtt.js acks
 * one message before it parses the next (a held `customHandleAcks` would stall the stream), so
 * the reader takes each message in `customHandleAcks`, answers it at once, and holds the ack
 * packet the client then sends (its `_sendPacket`, the one private hook). The broker's
 * in-flight window (`receiveMaximum` = `inflight`) bounds what is unacknowledged, and so the
 * buffer. QoS 0: at-most-once.
 */
export class MqttReader implements BrokerReader {
  readonly ended = false;
  private readonly conn: ManagedConnection<MqttSession>;
  private readonly topic: string;
  private readonly qos: 0 | 1 | 2;
  private buffer: Buffered[] = [];
  private head = 0;
  private readonly marks = new Map<number, { session: MqttSession; upTo: number }>();
  private readonly onReadable: () => void;

  constructor(o: BrokerReaderOptions) {
    const c = o.config;
    const url = textOf(c, 'url') ?? 'mqtt://127.0.0.1:1883';
    this.topic = textOf(c, 'topic') ?? '#';
    this.qos = c.qos === 0 || c.qos === 2 ? c.qos : 1;
    this.onReadable = o.onReadable;
    const clientId = textOf(c, 'clientId');
    const inflight = Math.min(65_535, Math.max(1, Math.floor(numberOf(c, 'inflight', 10_000))));
    const timeout = startTimeoutOf(c);
    this.conn = new ManagedConnection<MqttSession>({
      where: `MQTT broker at ${redactUrl(url)}`,
      startTimeoutMs: timeout,
      open: async () => {
        // What the last connection delivered and the graph did not take is redelivered.
        this.buffer = [];
        this.head = 0;
        const session: MqttSession = { client: null as unknown as MqttClient, held: [], ackableTaken: 0, released: 0 };
        const { client, sessionPresent } = await openMqtt(
          url,
          {
            ...(clientId !== undefined ? { clientId } : {}),
            clean: clientId === undefined,
            properties: { sessionExpiryInterval: clientId === undefined ? 0 : 0xffffffff, receiveMaximum: inflight },
            connectTimeout: Math.min(timeout, 10_000),
            resubscribe: false,
            customHandleAcks: (_topic, _payload, packet, done) => {
              this.receive(session, packet);
              done(0);
            },
          },
          (client) => {
            session.client = client;
            const internals = client as unknown as { _sendPacket: SendPacket };
            const send = internals._sendPacket.bind(client);
            internals._sendPacket = (packet, cb, cbStorePut, noStore) => {
              if (packet.cmd === 'puback' || packet.cmd === 'pubrec') {
                session.held.push(packet);
                cb?.();
                return;
              }
              send(packet, cb, cbStorePut, noStore);
            };
            client.on('message', (_t, _p, packet) => {
              if (packet.qos === 0) this.receive(session, packet);
            });
          },
          (err) => {
            if (this.conn.session === session) this.conn.lost(err);
          },
        );
        // A persistent session keeps its subscription; subscribing again would resend retained messages.
        if (!sessionPresent) {
          try {
            const granted = await client.subscribeAsync(this.topic, { qos: this.qos });
            const refused = granted.find((g) => g.qos >= 0x80);
            if (refused !== undefined)
              throw new ConnectorError(
                `refused the subscription to ${this.topic} (reason code 0x${refused.qos.toString(16)})`,
                true,
              );
          } catch (err) {
            client.end(true);
            throw err;
          }
        }
        return session;
      },
      shut: (s) => new Promise<void>((resolve) => s.client.end(false, {}, () => resolve())),
      changed: () => o.onReadable(),
    });
    this.conn.start();
  }

  take(max: number): BrokerMessage[] {
    const out: BrokerMessage[] = [];
    while (this.head < this.buffer.length && out.length < max) {
      const m = this.buffer[this.head++] as Buffered;
      if (m.ackable) m.session.ackableTaken++;
      out.push(m.message);
    }
    if (this.head > 4096 || this.head === this.buffer.length) {
      this.buffer = this.buffer.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  mark(checkpointId: number): unknown {
    const s = this.conn.session;
    if (s !== null) this.marks.set(checkpointId, { session: s, upTo: s.ackableTaken });
    return null;
  }

  acknowledge(checkpointId: number): void {
    let upTo = -1;
    const s = this.conn.session;
    for (const [id, m] of this.marks) {
      if (id > checkpointId) break;
      this.marks.delete(id);
      // Acks of an earlier connection would name packet ids the broker has since reused.
      if (m.session === s) upTo = m.upTo;
    }
    if (s === null || upTo <= s.released || !s.client.connected) return;
    const internals = s.client as unknown as { _writePacket: (p: Packet, cb?: () => void) => void };
    for (const a of s.held.splice(0, upTo - s.released)) internals._writePacket(a);
    s.released = upTo;
  }

  status(): ConnectorStatus {
    return this.conn.status(this.buffer.length - this.head);
  }

  close(): void {
    this.conn.close();
  }

  private receive(session: MqttSession, packet: IPublishPacket): void {
    if (this.conn.session !== null && this.conn.session !== session) return;
    const qos0 = packet.qos === 0;
    if (qos0 && this.buffer.length - this.head >= QOS0_BUFFER) return;
    const payload = typeof packet.payload === 'string' ? packet.payload : Buffer.from(packet.payload).toString('utf8');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(packet.properties?.userProperties ?? {}))
      headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
    const id =
      headers['message-id'] ??
      `${packet.topic}@${createHash('sha256').update(packet.payload).digest('hex').slice(0, 24)}`;
    this.buffer.push({ message: { id, payload, subject: packet.topic, headers, time: null }, session, ackable: !qos0 });
    if (this.buffer.length - this.head === 1) this.onReadable();
  }
}
