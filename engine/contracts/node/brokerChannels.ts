import type { GraphFile } from '../../contract/graphFile.js';
import { isRecord } from '../../graph/isRecord.js';
import { parseBrokerUrl } from './parseBrokerUrl.js';

/** A place on a broker (or an HTTP endpoint) where a node reads or writes events. */
export interface BrokerChannel {
  nodeId: string;
  /** `receive`: the graph reads events there (a source); `send`: it writes them (a sink). */
  action: 'receive' | 'send';
  protocol: 'nats' | 'redis' | 'amqp' | 'mqtt' | 'http';
  /** The broker's URL as configured (a `connections` name resolved), secrets and all. */
  url: string | undefined;
  /** The channel's address: subject, stream, queue or routing key, topic, path. Null: unknown. */
  address: string | null;
  /** What kind of thing the address names, for the description ("JetStream stream"). */
  describes: string;
  /** Protocol details for AsyncAPI bindings (queue type, QoS, HTTP method, …). */
  details: Record<string, unknown>;
}

/**
 * The broker channels of a graph, read from each node's config per SPEC §10's table (and §15's
 * broker-backed topics), without the connector node files: `source.*`/`sink.*` of NATS,
 * Redis, RabbitMQ, MQTT and HTTP, and `topic` with `broker: { url, stream }`. A `url` naming a
 * top-level `connections` entry is resolved. Nodes of other types have none.
 */
export function brokerChannels(graph: GraphFile): BrokerChannel[] {
  const channels: BrokerChannel[] = [];
  for (const node of graph.nodes) {
    const c = isRecord(node.config) ? node.config : {};
    const url = resolveUrl(graph, c.url);
    const add = (
      action: BrokerChannel['action'],
      protocol: BrokerChannel['protocol'],
      address: string | null,
      describes: string,
      details: Record<string, unknown> = {},
      at = url,
    ): void => {
      channels.push({ nodeId: node.id, action, protocol, url: at, address, describes, details });
    };
    switch (node.type) {
      case 'source.nats':
        add(
          'receive',
          'nats',
          text(c.subject) ?? null,
          text(c.subject) ? 'NATS subject' : `every subject of JetStream stream ${text(c.stream) ?? '?'}`,
          {
            stream: text(c.stream),
            deliver: text(c.deliver),
          },
        );
        break;
      case 'sink.nats':
        add('send', 'nats', text(c.subject) ?? null, 'NATS subject', { stream: text(c.stream) });
        break;
      case 'source.redis':
        add('receive', 'redis', text(c.stream) ?? null, 'Redis stream', { group: text(c.group) });
        break;
      case 'sink.redis':
        add('send', 'redis', text(c.stream) ?? null, 'Redis stream', { maxLen: c.maxLen });
        break;
      case 'source.rabbitmq':
        add('receive', 'amqp', text(c.queue) ?? null, 'RabbitMQ queue', {
          is: 'queue',
          queue: text(c.queue),
          queueType: text(c.queueType) ?? 'classic',
        });
        break;
      case 'sink.rabbitmq':
        add('send', 'amqp', text(c.routingKey) ?? text(c.queue) ?? null, 'RabbitMQ routing key', {
          is: 'routingKey',
          exchange: typeof c.exchange === 'string' ? c.exchange : '',
          queue: text(c.queue),
          queueType: text(c.queueType),
        });
        break;
      case 'source.mqtt':
        add('receive', 'mqtt', text(c.topic) ?? null, 'MQTT topic filter', { qos: c.qos });
        break;
      case 'sink.mqtt':
        add('send', 'mqtt', text(c.topic) ?? null, 'MQTT topic', { qos: c.qos, retain: c.retain === true });
        break;
      case 'source.http': {
        const host = text(c.host) ?? '127.0.0.1';
        const port = typeof c.port === 'number' ? c.port : undefined;
        add(
          'receive',
          'http',
          text(c.path) ?? '/events',
          'HTTP path (webhook)',
          { method: 'POST' },
          port ? `http://${host}:${port}` : undefined,
        );
        break;
      }
      case 'sink.http': {
        const parsed = parseBrokerUrl(url);
        add('send', 'http', parsed ? parsed.pathname : null, 'HTTP endpoint', {
          method: text(c.method) ?? 'POST',
        });
        break;
      }
      case 'topic': {
        const broker = isRecord(c.broker) ? c.broker : undefined;
        if (!broker) break;
        const at = resolveUrl(graph, broker.url);
        const stream = text(broker.stream);
        const describes = `JetStream stream backing topic ${text(c.name) ?? node.id}`;
        add('send', 'nats', null, describes, { stream }, at);
        add('receive', 'nats', null, describes, { stream }, at);
        break;
      }
      default:
        break;
    }
  }
  return channels;
}

/** A `url` as configured, or the URL of the `connections` entry it names (SPEC §10). */
function resolveUrl(graph: GraphFile, url: unknown): string | undefined {
  if (typeof url !== 'string' || url === '') return undefined;
  const connections = isRecord(graph.connections) ? graph.connections : undefined;
  const entry = connections && Object.hasOwn(connections, url) ? connections[url] : undefined;
  if (isRecord(entry) && typeof entry.url === 'string') return entry.url;
  return url;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
