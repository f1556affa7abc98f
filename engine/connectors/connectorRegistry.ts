import type { ConnectorKind } from '../contract/connector.js';
import type { ConnectorFactory } from './ConnectorFactory.js';
import { natsConnector } from './nats.js';
import { postgresConnector } from './postgres.js';
import { redisConnector } from './redis.js';

/** Every platform this build connects to. Adding one: its file, and one line here. */
const CONNECTORS: readonly ConnectorFactory[] = [
  natsConnector, // NATS JetStream
  postgresConnector, // PostgreSQL (sink)
  redisConnector, // Redis Streams
];

export const connectorRegistry: ReadonlyMap<ConnectorKind, ConnectorFactory> = new Map(
  CONNECTORS.map((c) => [c.kind, c]),
);
