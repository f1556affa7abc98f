import { describe, expect, it } from 'vitest';
import type { EventSchema, JsonSchema } from '../../../../../engine/contract/eventSchema.js';
import type { GraphFile } from '../../../../../engine/contract/graphFile.js';
import { buildAsyncApi, PAYLOAD_SCHEMA_FORMAT } from '../../../../../engine/contracts/node/buildAsyncApi.js';
import { nodeRegistry } from '../../../../../engine/nodes/registry.js';
import { asyncApiProblems } from './asyncApiParser.js';

const schema = (name: string, version: number, s: JsonSchema): EventSchema => ({
  name,
  version,
  ref: `${name}@${version}`,
  file: `${name}@${version}.schema.json`,
  schema: s,
  compatibility: 'BACKWARD',
});
const ORDERS = schema('orders', 2, {
  type: 'object',
  properties: { id: { type: 'string' }, lines: { type: 'array', prefixItems: [{ type: 'string' }], items: false } },
  required: ['id'],
  $defs: { money: { type: 'number' } },
  'x-sluice': { compatibility: 'BACKWARD', upcast: 'value' },
});
const TOTALS = schema('totals', 1, {
  type: 'object',
  properties: { sum: { $ref: '#/$defs/m' } },
  $defs: { m: { type: 'number' } },
});

/** Every connector of SPEC §10 and a broker-backed topic, as their configs are written. */
function graph(): GraphFile {
  return {
    format: 'sluice/graph',
    version: 1,
    name: 'Order flow',
    connections: { local: { url: 'nats://127.0.0.1:4222' } },
    nodes: [
      {
        id: 'orders',
        type: 'source.nats',
        config: { url: 'local', stream: 'ORDERS', subject: 'orders.>', deliver: 'all', contract: 'orders@2' },
      },
      { id: 'hook', type: 'source.http', config: { port: 8088, path: '/hooks/orders', contract: 'orders@2' } },
      {
        id: 'jobs',
        type: 'source.rabbitmq',
        config: { url: 'amqp://guest:guest@127.0.0.1:5672', queue: 'jobs', queueType: 'quorum', prefetch: 10 },
      },
      { id: 'sensors', type: 'source.mqtt', config: { url: 'mqtt://127.0.0.1:1883', topic: 'sensors/+/temp', qos: 1 } },
      {
        id: 'clicks',
        type: 'source.redis',
        config: { url: 'redis://127.0.0.1:6379', stream: 'clicks', group: 'sluice' },
      },
      { id: 'total', type: 'aggregate', config: { op: 'sum', field: '1' } },
      {
        id: 'done',
        type: 'sink.nats',
        config: { url: 'nats://${env:NATS_HOST}:4222', subject: 'done.${key}', contract: 'totals@1' },
      },
      {
        id: 'notify',
        type: 'sink.rabbitmq',
        config: { url: 'amqp://user:secret@mq.example.com/prod', exchange: '', routingKey: 'orders.${key}' },
      },
      {
        id: 'lamp',
        type: 'sink.mqtt',
        config: { url: 'mqtt://127.0.0.1:1883', topic: 'lamps/1', qos: 0, retain: true },
      },
      { id: 'archive', type: 'sink.redis', config: { url: '${env:REDIS_URL}', stream: 'archive' } },
      { id: 'webhook', type: 'sink.http', config: { url: 'https://hooks.example.com/api/orders', method: 'put' } },
      { id: 'shared', type: 'topic', config: { name: 'shared', broker: { url: 'local', stream: 'SHARED' } } },
    ],
    edges: [
      { id: 'e1', from: { node: 'orders', port: 'out' }, to: { node: 'total', port: 'in' } },
      { id: 'e2', from: { node: 'total', port: 'out' }, to: { node: 'done', port: 'in' } },
      { id: 'e3', from: { node: 'orders', port: 'out' }, to: { node: 'shared', port: 'in' } },
      { id: 'e4', from: { node: 'shared', port: 'out' }, to: { node: 'archive', port: 'in' } },
      { id: 'e5', from: { node: 'hook', port: 'out' }, to: { node: 'webhook', port: 'in' } },
    ],
  };
}

describe('buildAsyncApi', () => {
  const { document, warnings, errors } = buildAsyncApi(graph(), [ORDERS, TOTALS], nodeRegistry);
  const doc = document as {
    servers: Record<string, { host: string; protocol: string; pathname?: string; variables?: object }>;
    channels: Record<string, { address: string | null; messages?: object; parameters?: object; bindings?: object }>;
    operations: Record<string, { action: string; channel: { $ref: string }; messages?: unknown[]; bindings?: object }>;
    components: { messages: Record<string, { payload: { schemaFormat: string; schema: Record<string, unknown> } }> };
  };

  it('is a valid AsyncAPI 3 document, payload schemas included, by the AsyncAPI parser', async () => {
    expect(document.asyncapi).toBe('3.0.0');
    expect(await asyncApiProblems(document)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('gives each source a receive operation and each sink a send, on the addresses of their configs', () => {
    const actions = Object.fromEntries(
      Object.values(doc.operations).map((o) => [o.channel.$ref.replace('#/channels/', ''), o.action]),
    );
    expect(actions).toEqual({
      orders: 'receive',
      hook: 'receive',
      jobs: 'receive',
      sensors: 'receive',
      clicks: 'receive',
      done: 'send',
      notify: 'send',
      lamp: 'send',
      archive: 'send',
      webhook: 'send',
      'shared.out': 'send',
      shared: 'receive',
    });
    const addresses = Object.fromEntries(Object.entries(doc.channels).map(([id, c]) => [id, c.address]));
    expect(addresses).toEqual({
      orders: 'orders.>',
      hook: '/hooks/orders',
      jobs: 'jobs',
      sensors: 'sensors/+/temp',
      clicks: 'clicks',
      done: 'done.{key}',
      notify: 'orders.{key}',
      lamp: 'lamps/1',
      archive: 'archive',
      webhook: '/api/orders',
      'shared.out': null,
      shared: null,
    });
    expect(doc.channels.done?.parameters).toEqual({ key: { description: 'The event key.' } });
  });

  it('documents each contract once as a message, in JSON Schema 2020-12 without x-sluice', () => {
    expect(Object.keys(doc.components.messages)).toEqual(['orders.v2', 'totals.v1']);
    const payload = doc.components.messages['orders.v2']!.payload;
    expect(payload.schemaFormat).toBe(PAYLOAD_SCHEMA_FORMAT);
    expect(payload.schema['x-sluice']).toBeUndefined();
    expect(payload.schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(doc.channels.orders?.messages).toEqual({ 'orders.v2': { $ref: '#/components/messages/orders.v2' } });
    expect(doc.operations['orders.receive']?.messages).toEqual([{ $ref: '#/channels/orders/messages/orders.v2' }]);
  });

  it('finds a sink’s contract on the edges into it, through value-preserving nodes', () => {
    // archive has no contract of its own: orders@2 reaches it through the topic.
    expect(doc.channels.archive?.messages).toEqual({ 'orders.v2': { $ref: '#/components/messages/orders.v2' } });
    // done's own contract wins over what the aggregate (which computes new values) carries: nothing.
    expect(doc.channels.done?.messages).toEqual({ 'totals.v1': { $ref: '#/components/messages/totals.v1' } });
  });

  it('writes one server per broker, resolving connections, and never a user name or password', () => {
    expect(doc.servers).toEqual({
      'nats-127.0.0.1-4222': { host: '127.0.0.1:4222', protocol: 'nats' },
      'http-127.0.0.1-8088': { host: '127.0.0.1:8088', protocol: 'http' },
      'amqp-127.0.0.1-5672': { host: '127.0.0.1:5672', protocol: 'amqp' },
      'mqtt-127.0.0.1-1883': { host: '127.0.0.1:1883', protocol: 'mqtt' },
      'redis-127.0.0.1-6379': { host: '127.0.0.1:6379', protocol: 'redis' },
      'nats-NATS_HOST-4222': {
        host: '{NATS_HOST}:4222',
        protocol: 'nats',
        variables: { NATS_HOST: { description: 'The environment variable NATS_HOST.' } },
      },
      'amqp-mq.example.com': { host: 'mq.example.com', protocol: 'amqp', pathname: '/prod' },
      'redis-REDIS_URL': {
        host: '{REDIS_URL}',
        protocol: 'redis',
        variables: { REDIS_URL: { description: 'The environment variable REDIS_URL.' } },
      },
      'https-hooks.example.com': { host: 'hooks.example.com', protocol: 'https', pathname: '/api/orders' },
    });
    expect(JSON.stringify(document)).not.toMatch(/secret|guest/);
  });

  it('carries protocol details as bindings: AMQP queue or routing key, MQTT QoS, HTTP method', () => {
    expect(doc.channels.jobs?.bindings).toEqual({
      amqp: { is: 'queue', queue: { name: 'jobs', durable: true }, bindingVersion: '0.3.0' },
    });
    expect(doc.channels.notify?.bindings).toEqual({
      amqp: { is: 'routingKey', exchange: { type: 'default' }, bindingVersion: '0.3.0' },
    });
    expect(doc.operations['lamp.send']?.bindings).toEqual({ mqtt: { qos: 0, retain: true, bindingVersion: '0.2.0' } });
    expect(doc.operations['webhook.send']?.bindings).toEqual({ http: { method: 'PUT', bindingVersion: '0.3.0' } });
  });

  it('warns of channels without a contract and leaves out nodes that are not connectors', () => {
    expect(warnings).toEqual([
      'node jobs has no contract, so its channel documents no message schema',
      'node sensors has no contract, so its channel documents no message schema',
      'node clicks has no contract, so its channel documents no message schema',
      'node notify has no contract, so its channel documents no message schema',
      'node lamp has no contract, so its channel documents no message schema',
    ]);
    expect(doc.channels.total).toBeUndefined();
  });

  it('reports a contract the schemas do not have as an error', () => {
    const r = buildAsyncApi(graph(), [ORDERS], nodeRegistry);
    expect(r.errors).toEqual(['node done: there is no schema totals@1 in schemas/']);
  });

  it('gives a valid document for a graph without any broker', async () => {
    const g: GraphFile = { format: 'sluice/graph', version: 1, name: 'Local', nodes: [], edges: [] };
    const r = buildAsyncApi(g, [], nodeRegistry);
    expect(r.document.channels).toEqual({});
    expect(await asyncApiProblems(r.document)).toEqual([]);
  });
});

describe('asyncApiProblems', () => {
  it('finds a broken payload schema, so the validation above can fail', async () => {
    const { document } = buildAsyncApi(graph(), [ORDERS, { ...TOTALS, schema: { type: 'numbr' } }], nodeRegistry);
    expect((await asyncApiProblems(document)).join('\n')).toMatch(/must be equal to one of the allowed values/);
  });
});
