import type { ConnectorKind } from '../contract/connector.js';
import type { ConnectorFactory } from './ConnectorFactory.js';
import { natsConnector } from './nats.js';
import { httpConnector } from './http/httpConnector.js';
import { mqttConnector } from './mqtt/mqttConnector.js';
import { rabbitmqConnector } from './rabbitmq/rabbitmqConnector.js';

/** Every platform this build connects to. Adding one: its file, and one line here. */
const CONNECTORS: readonly ConnectorFactory[] = [natsConnector, rabbitmqConnector, mqttConnector, httpConnector];

export const connectorRegistry: ReadonlyMap<ConnectorKind, ConnectorFactory> = new Map(
  CONNECTORS.map((c) => [c.kind, c]),
);
