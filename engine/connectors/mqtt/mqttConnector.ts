import type { MqttClient } from 'mqtt';
import type { BrokerWriter, BrokerWriterOptions } from '../../contract/connector.js';
import type { ConnectorEnv, ConnectorFactory } from '../ConnectorFactory.js';
import { causeOf, TargetRefused } from '../ConnectorError.js';
import { startTimeoutOf, textOf } from '../connectorConfig.js';
import type { OutboxRecord } from '../Outbox.js';
import { OutboxWriter } from '../OutboxWriter.js';
import { redactUrl } from '../redactUrl.js';
import { MqttReader } from './MqttReader.js';
import { openMqtt } from './openMqtt.js';

/**
 * MQTT (SPEC §10) with `mqtt` (mqtt.js 5): the maintained MQTT client for Node and browsers,
 * pure JS, typed, MQTT 5 (user properties, receive maximum, session expiry).
 */
export const mqttConnector: ConnectorFactory = {
  kind: 'mqtt',
  openReader: (options) => new MqttReader(options),
  openWriter: (options, env) => openMqttWriter(options, env),
  probe: probeMqtt,
};

/**
 * CONNECT and wait for the CONNACK (a refused login is named), then, given a topic filter,
 * subscribe to it once, which shows a filter the broker refuses (its ACL, a bad wildcard).
 * A fresh client id and a clean session, so a running node's persistent session is never
 * taken over.
 */
async function probeMqtt(url: string, timeoutMs: number, topic?: string): Promise<void> {
  const { client } = await openMqtt(
    url,
    { connectTimeout: timeoutMs, clean: true },
    () => {},
    () => {},
  );
  try {
    if (topic === undefined || topic.includes('${')) return;
    const granted = await client.subscribeAsync(topic, { qos: 0 }).catch((err: unknown) => {
      // mqtt.js checks the filter before sending it: "Invalid topic plant/#/x".
      throw /invalid topic/i.test(causeOf(err))
        ? new TargetRefused(
            `"${topic}" is not a valid topic filter (# only as the last level, + only as a whole level)`,
          )
        : err;
    });
    const refused = granted.find((g) => g.qos >= 0x80);
    if (refused !== undefined)
      throw new TargetRefused(`it refused the subscription to ${topic} (reason code 0x${refused.qos.toString(16)})`);
  } finally {
    await client.endAsync(true).catch(() => {});
  }
}

/**
 * `sink.mqtt`: the outbox sends what completed checkpoints cover, each record on its topic
 * (`${key}` filled in by the node) with the configured QoS and retain flag and a `message-id`
 * user property = the event id. A batch is confirmed when the broker acknowledged every message
 * (PUBACK, PUBCOMP; at once for QoS 0), so the sink's guarantee is its QoS's.
 */
function openMqttWriter(o: BrokerWriterOptions, env: ConnectorEnv): BrokerWriter {
  const c = o.config;
  const url = textOf(c, 'url') ?? 'mqtt://127.0.0.1:1883';
  const topic = textOf(c, 'topic') ?? '';
  const qos = c.qos === 0 || c.qos === 2 ? c.qos : 1;
  const retain = c.retain === true;
  const timeout = startTimeoutOf(c);
  let writer: OutboxWriter<MqttClient> | null = null;
  writer = new OutboxWriter<MqttClient>(
    {
      where: `MQTT broker at ${redactUrl(url)}`,
      startTimeoutMs: timeout,
      open: async () => {
        let client: MqttClient | null = null;
        ({ client } = await openMqtt(
          url,
          { connectTimeout: Math.min(timeout, 10_000) },
          () => {},
          (err) => {
            if (client !== null && writer?.connection.session === client) writer.connection.lost(err);
          },
        ));
        return client;
      },
      shut: (client) => new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
      changed: () => {},
    },
    env.outbox(),
    {
      batchSize: 1000,
      send(client: MqttClient, batch: readonly OutboxRecord[]): Promise<void> {
        // A client that lost its connection keeps unacknowledged publishes for a reconnect it
        // will never make (a new session takes over): fail the batch, the outbox sends it again.
        if (!client.connected) return Promise.reject(new Error('not connected'));
        return new Promise<void>((resolve, reject) => {
          const closed = (): void => reject(new Error('the broker closed the connection'));
          client.once('close', closed);
          Promise.all(
            batch.map((r) =>
              client.publishAsync(r.subject ?? topic, r.payload, {
                qos,
                retain,
                properties: { userProperties: { 'message-id': r.id } },
              }),
            ),
          )
            .then(() => resolve(), reject)
            .finally(() => client.off('close', closed));
        });
      },
    },
  );
  return writer;
}
