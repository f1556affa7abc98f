import { randomBytes } from 'node:crypto';
import type * as MqttLib from 'mqtt';
import type { IClientOptions, MqttClient } from 'mqtt';
import { causeOf, ConnectorError } from '../ConnectorError.js';

/**
 * The URL's user and password, percent-decoded. mqtt.js splits the user info at its last `:`
 * itself, so a password holding a `:` (a keychain secret is stored as typed, and encoded into
 * the URL) would log in as the wrong user; `auth: ''` turns its own split off.
 */
function credentialsOf(url: string): Pick<IClientOptions, 'auth' | 'username' | 'password'> {
  try {
    const u = new URL(url);
    if (u.username === '' && u.password === '') return {};
    return {
      auth: '',
      username: decodeURIComponent(u.username),
      ...(u.password !== '' ? { password: decodeURIComponent(u.password) } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * Connect one mqtt.js client (MQTT 5; its own reconnect off: `ManagedConnection` retries).
 * `before` runs on the client before the CONNECT goes out, so hooks see the first messages of a
 * persistent session. Resolves once the broker accepted the connection; a refused login or
 * client id is permanent. `onClose` hears when this client's connection ends.
 */
export async function openMqtt(
  url: string,
  options: IClientOptions,
  before: (client: MqttClient) => void,
  onClose: (err: unknown) => void,
): Promise<{ client: MqttClient; sessionPresent: boolean }> {
  const mqtt = await loadMqtt();
  return new Promise((resolve, reject) => {
    let lastError: unknown = null;
    let up = false;
    const client = mqtt.connect(url, {
      protocolVersion: 5,
      clientId: `sluice-${randomBytes(6).toString('hex')}`,
      reconnectPeriod: 0,
      ...credentialsOf(url),
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

/**
 * The client, loaded when the first MQTT connection opens (as NATS's and PostgreSQL's are):
 * every worker thread loads the connector registry, and loading mqtt.js cost each thread about
 * 0.25 s of CPU at start-up, in runs that never connect to MQTT.
 */
let loading: Promise<typeof MqttLib> | null = null;
async function loadMqtt(): Promise<typeof MqttLib.default> {
  return (await (loading ??= import('mqtt'))).default;
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
