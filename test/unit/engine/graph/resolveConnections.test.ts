import { describe, expect, it } from 'vitest';
import type { GraphFile } from '../../../../engine/contract/graphFile.js';
import { connectionProblems, resolveNodeConfig } from '../../../../engine/graph/resolveConnections.js';

const connections = { local: { url: 'nats://${env:NATS_HOST}:4222', user: 'app' } };

describe('resolveNodeConfig', () => {
  it('takes the url of a named connection and its other fields as defaults, and fills ${env:…}', () => {
    const r = resolveNodeConfig({ url: 'local', stream: 'S' }, connections, { NATS_HOST: '10.0.0.1' });
    expect(r.problems).toEqual([]);
    expect(r.config).toEqual({ url: 'nats://10.0.0.1:4222', user: 'app', stream: 'S' });
  });

  it('reports an unset variable with its field, and keeps references when the environment is unknown', () => {
    const r = resolveNodeConfig({ url: 'local', password: '${env:PW}' }, connections, {});
    expect(r.problems.map((p) => [p.field, p.message])).toEqual([
      ['url', '${env:NATS_HOST} is not set in the environment of this run.'],
      ['password', '${env:PW} is not set in the environment of this run.'],
    ]);
    expect(resolveNodeConfig({ url: 'local' }, connections, null)).toEqual({
      config: { url: 'nats://${env:NATS_HOST}:4222', user: 'app' },
      problems: [],
    });
  });

  it('refuses a url that is neither a URL nor a connection, and warns of a password in the file', () => {
    expect(resolveNodeConfig({ url: 'nope' }, connections, {}).problems[0]!.message).toBe(
      '“nope” is neither a URL nor one of the graph’s connections (local).',
    );
    expect(resolveNodeConfig({ url: 'redis://u:pw@h:1' }, {}, {}).problems).toMatchObject([
      { field: 'url', severity: 'warning' },
    ]);
    expect(resolveNodeConfig({ url: 'redis://u:${env:PW}@h:1' }, {}, { PW: 'x' }).problems).toEqual([]);
  });
});

describe('connectionProblems', () => {
  it('names the node and the field', () => {
    const graph = {
      format: 'sluice/graph',
      version: 1,
      name: 'g',
      connections: { local: { url: 'nats://127.0.0.1:4222' }, broken: {} },
      nodes: [{ id: 'in', type: 'source.nats', config: { url: 'local', stream: '${env:STREAM}' } }],
      edges: [],
    } as unknown as GraphFile;
    expect(connectionProblems(graph, {})).toEqual([
      { severity: 'error', field: 'connections', message: 'Connection “broken” needs a url.' },
      {
        severity: 'error',
        nodeId: 'in',
        field: 'stream',
        message: 'Node "in": stream: ${env:STREAM} is not set in the environment of this run.',
      },
    ]);
    expect(connectionProblems(graph, { STREAM: 'S' })).toHaveLength(1);
  });
});
