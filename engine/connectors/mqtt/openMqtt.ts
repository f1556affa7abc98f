import { randomBytes } from 'node:crypto';
import type * as MqttLib from 'mqtt';
import type { IClientOptions, MqttClient } from 'mqtt';
import { causeOf, ConnectorError } from '../ConnectorError.js';

/**
 * The client library, loaded when the first MQTT connection opens: every worker thread loads
 * the connector registry, and mqtt.js alone took 0.65 s of a worker's 1.1 s start (profiled).
 */
let loading: Promise<typeof MqttLib> | null = null;

/**
 * Connect one mqtt.js client (MQTT 5; its own reconnect off: `ManagedConnection` retries).
 * `before` runs on the client before the CONNECT goes out, so hooks see the first messages of a
 * persistent session. Resolves once the broker accepted the connection; a refused login or
 * client id is permanent. `onClose` hears when this client's connection ends.
 */
export function openMqtt(
  url: string,
  options: IClientOptions,
  before: (client: MqttClient) => void,
  onClose: (err: unknown) => void,
): Promise<{ client: MqttClient; sessionPresent: boolean }> {
  return (loading ??= import('mqtt')).then((lib) => connect(lib, url, options, before, onClose));
}

function connect(
  lib: typeof MqttLib,
  url: string,
  options: IClientOptions,
  before: (client: MqttClient) => void,
  onClose: (err: unknown) => void,
): Promise<{ client: MqttClient; sessionPresent: boolean }> {
  return new Promise((resolve, reject) => {
    let lastError: unknown = null;
    let up = false;
    const client = (lib.default ?? lib).connect(url, {
      protocolVersion: 5,
      clientId: `sluice-${randomBytes(6).toString('hex')}`,
      reconnectPeriod: 0,
      ...options,
    });
    before(client);
    client.on('error', (err) => {
      lastError = mqttError(err);
      if (!up) {
        client.end(true);
        reject(lastError);
      }
    });
    client.once('connect', (connack) => {
      up = true;
      resolve({ client, sessionPresent: connack.sessionPresent === true });
    });
    client.on('close', () => {
      if (!up) {
        reject(lastError ?? new Error('the broker closed the connection'));
        return;
      }
      onClose(lastError ?? new Error('the broker closed the connection'));
    });
  });
}

/** MQTT 5 CONNACK reason codes (and 3.1.1 return codes) that retrying cannot fix. */
function mqttError(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 134 || code === 135 || code === 4 || code === 5)
    return new ConnectorError('refused the login (check the user and password in the URL)', true);
  if (code === 133 || code === 2) return new ConnectorError('refused the client id', true);
  if (typeof code === 'number') return new ConnectorError(causeOf(err), true);
  return err;
}
