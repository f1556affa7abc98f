import type { ConnectorKind } from '../contract/connector.js';
import type { ConnectorFactory } from './ConnectorFactory.js';
import { natsConnector } from './nats.js';
import { postgresConnector } from './postgres.js';
import { redisConnector } from './redis.js';
import { httpConnector } from './http/httpConnector.js';
import { mqttConnector } from './mqtt/mqttConnector.js';
import { rabbitmqConnector } from './rabbitmq/rabbitmqConnector.js';

/** Every platform this build connects to. Adding one: its file, and one line here. */
const CONNECTORS: readonly ConnectorFactory[] = [
  natsConnector, // NATS JetStream
  postgresConnector, // PostgreSQL (sink)
  redisConnector, // Redis Streams
  rabbitmqConnector, // RabbitMQ (AMQP 0-9-1, stream queues too)
  mqttConnector, // MQTT 5
  httpConnector, // webhooks in and out
];

export const connectorRegistry: ReadonlyMap<ConnectorKind, ConnectorFactory> = new Map(
  CONNECTORS.map((c) => [c.kind, c]),
);
