import { describe, expect, it } from 'vitest';
import type { GraphFile } from '../../../../engine/contract/graphFile.js';
import {
  connectorKindOfNode,
  connectorKindOfUrl,
  effectiveUrl,
  freshConnectionName,
  listConnections,
  plainPasswordWarning,
  removeConnection,
  renameConnection,
  setConnection,
} from '../../../../renderer/graph/connectionEdits.js';
import { connectionBadgeView } from '../../../../renderer/live/connectionViews.js';
import { TestEditor } from '../TestEditor.js';

const natsGraph = (): GraphFile => ({
  format: 'sluice/graph',
  version: 1,
  name: 'Orders',
  connections: { local: { url: 'nats://127.0.0.1:4222' }, cache: { url: 'redis://${env:REDIS_HOST}:6379' } },
  nodes: [
    { id: 'in', type: 'source.nats', config: { url: 'local', stream: 'ORDERS' } },
    { id: 'out', type: 'sink.file', config: { path: 'out.jsonl' } },
  ],
  edges: [{ id: 'e1', from: { node: 'in', port: 'out' }, to: { node: 'out', port: 'in' } }],
});

describe('the Connections panel edits (connections in the graph file)', () => {
  it('add, rename (nodes that named it follow), edit and remove, each one undo step', async () => {
    const t = new TestEditor().load(natsGraph());
    expect(listConnections(t.state.graph)).toEqual([
      { name: 'local', url: 'nats://127.0.0.1:4222' },
      { name: 'cache', url: 'redis://${env:REDIS_HOST}:6379' },
    ]);
    const name = freshConnectionName(t.state.graph);
    expect(name).toBe('conn1');
    t.state.commitDocument(setConnection(t.state.graph, name, 'redis://127.0.0.1:6379'));
    t.wait(5000);
    t.state.commitDocument(renameConnection(t.state.graph, 'local', 'broker'));
    expect(listConnections(t.state.graph).map((c) => c.name)).toEqual(['broker', 'cache', 'conn1']);
    expect(t.state.graph.nodes[0]!.config!.url).toBe('broker');
    // A rename onto a taken name changes nothing.
    expect(renameConnection(t.state.graph, 'broker', 'cache')).toBe(t.state.graph);
    t.wait(5000);
    t.state.commitDocument(removeConnection(t.state.graph, 'conn1'));
    expect(listConnections(t.state.graph).map((c) => c.name)).toEqual(['broker', 'cache']);
    expect(removeConnection(removeConnection(t.state.graph, 'broker'), 'cache').connections).toBeUndefined();
    await t.run('undo');
    await t.run('undo');
    expect(t.state.graph.nodes[0]!.config!.url).toBe('local');
    expect(listConnections(t.state.graph).map((c) => c.name)).toEqual(['local', 'cache', 'conn1']);
  });

  it('a node naming a connection validates; one naming none is a problem', () => {
    const t = new TestEditor().load(natsGraph());
    expect(t.validate().filter((p) => p.severity === 'error')).toEqual([]);
    t.state.commitDocument(removeConnection(t.state.graph, 'local'));
    expect(t.validate().map((p) => p.message)).toContainEqual(
      expect.stringContaining('“local” is neither a URL nor one of the graph’s connections'),
    );
  });

  it('warns about a plain-text password, not about ${env:…}', () => {
    expect(plainPasswordWarning('nats://alice:s3cret@127.0.0.1:4222')).toMatch(
      /password in plain text.*\$\{env:NAME\}/,
    );
    expect(plainPasswordWarning('postgres://alice:${env:PG_PASSWORD}@127.0.0.1/test')).toBeNull();
    expect(plainPasswordWarning('${env:NATS_URL}')).toBeNull();
    // A variable with a fallback has a colon of its own (the RabbitMQ/Redis-into-PostgreSQL templates).
    expect(
      plainPasswordWarning('postgres://${env:PGUSER:-postgres}@127.0.0.1:5432/${env:PGDATABASE:-test}'),
    ).toBeNull();
    expect(plainPasswordWarning('postgres://${env:PGUSER:-postgres}:hunter2@127.0.0.1:5432/test')).toMatch(
      /plain text/,
    );
    expect(plainPasswordWarning('nats://token@127.0.0.1:4222')).toBeNull();
    expect(plainPasswordWarning('redis://127.0.0.1:6379')).toBeNull();
  });

  it('knows the platform of a node and of a URL, and a node’s URL behind a connection name', () => {
    const g = natsGraph();
    expect(connectorKindOfNode(g.nodes[0]!)).toBe('nats');
    expect(connectorKindOfNode(g.nodes[1]!)).toBeNull();
    expect(connectorKindOfNode({ id: 'p', type: 'sink.postgres', config: {} })).toBe('postgres');
    expect(connectorKindOfUrl('postgresql://x/y')).toBe('postgres');
    expect(connectorKindOfUrl('amqp://guest:guest@h')).toBe('rabbitmq');
    expect(connectorKindOfUrl('${env:URL}')).toBeNull();
    expect(effectiveUrl(g, 'local')).toBe('nats://127.0.0.1:4222');
    expect(effectiveUrl(g, 'nats://h:1')).toBe('nats://h:1');
    expect(effectiveUrl(g, 'missing')).toBe('missing');
  });
});

describe('Test connection through the editor’s engine client', () => {
  it('reaches the engine with kind and url, and the schema check refuses a platform it does not know', async () => {
    const t = new TestEditor();
    t.engine.connectionAnswers.set('nats://127.0.0.1:1', {
      ok: false,
      message: 'Cannot connect to nats://127.0.0.1:1: connection refused',
    });
    await expect(t.editor.engine.testConnection({ kind: 'nats', url: 'nats://127.0.0.1:4222' })).resolves.toEqual({
      ok: true,
    });
    await expect(t.editor.engine.testConnection({ kind: 'nats', url: 'nats://127.0.0.1:1' })).resolves.toEqual({
      ok: false,
      message: 'Cannot connect to nats://127.0.0.1:1: connection refused',
    });
    await expect(t.editor.engine.testConnection({ kind: 'kafka' as never, url: 'kafka://h' })).rejects.toThrow(/kind/);
    expect(t.engine.callsOf('testConnection')).toHaveLength(2);
  });
});

describe('the connection badge', () => {
  it('says connected, reconnecting (n), failed: <one line>', () => {
    expect(connectionBadgeView({ state: 'connected', attempts: 0, lag: 0 })).toMatchObject({
      text: 'connected',
      tone: 'ok',
    });
    expect(connectionBadgeView({ state: 'reconnecting', attempts: 3, lag: null })).toMatchObject({
      text: 'reconnecting (3)',
      tone: 'warn',
    });
    expect(
      connectionBadgeView({ state: 'failed', attempts: 1, lag: null, error: 'login refused (bad pw)\nmore' }),
    ).toMatchObject({ text: 'failed: login refused (bad pw)', tone: 'error' });
  });
});
