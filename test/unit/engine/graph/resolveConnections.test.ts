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
      secrets: {},
    });
  });

  it('falls back to the text after :- when the variable is unset, and takes the variable when set', () => {
    const url = 'postgres://${env:PGUSER:-postgres}@h:5432/${env:PGDATABASE:-}';
    expect(resolveNodeConfig({ url }, {}, {})).toEqual({
      config: { url: 'postgres://postgres@h:5432/' },
      problems: [],
      secrets: {},
    });
    expect(resolveNodeConfig({ url }, {}, { PGUSER: 'app', PGDATABASE: 'orders' }).config.url).toBe(
      'postgres://app@h:5432/orders',
    );
    expect(resolveNodeConfig({ url: '${env:BAD NAME:-x}' }, {}, {}).problems).toMatchObject([{ severity: 'error' }]);
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

describe('resolveNodeConfig with ${keychain:…}', () => {
  it('fills a keychain secret, percent-encoded inside the URL’s user info and as it is elsewhere', () => {
    const keychain = { PG_PW: 'p@ss/wo:rd', TOKEN: 'tok en' };
    const r = resolveNodeConfig(
      { url: 'postgres://app:${keychain:PG_PW}@h:5432/db', headers: { Authorization: 'Bearer ${keychain:TOKEN}' } },
      {},
      {},
      keychain,
    );
    expect(r.problems).toEqual([]);
    expect(r.config).toEqual({
      url: 'postgres://app:p%40ss%2Fwo%3Ard@h:5432/db',
      headers: { Authorization: 'Bearer tok en' },
    });
    expect(new URL(String(r.config.url)).password).toBe('p%40ss%2Fwo%3Ard');
    expect(decodeURIComponent(new URL(String(r.config.url)).password)).toBe('p@ss/wo:rd');
    expect(r.secrets).toEqual(keychain);
  });

  it('says a host with no keychain (the CLI, the web host) should use ${env:NAME}, and names the field', () => {
    const r = resolveNodeConfig({ url: 'redis://:${keychain:REDIS_PW}@h:6379' }, {}, {});
    expect(r.problems).toEqual([
      {
        field: 'url',
        severity: 'error',
        message: '${keychain:REDIS_PW}: keychain secrets are available in the desktop app; use ${env:NAME} here.',
      },
    ]);
    expect(r.config.url).toBe('redis://:${keychain:REDIS_PW}@h:6379');
    expect(r.secrets).toEqual({});
  });

  it('keeps references when neither the environment nor the keychain is known (the desktop editor), and checks their form', () => {
    expect(resolveNodeConfig({ url: 'redis://:${keychain:PW}@h:1' }, {}, null).problems).toEqual([]);
    expect(resolveNodeConfig({ url: 'redis://:${keychain:bad name}@h:1' }, {}, null).problems).toMatchObject([
      { field: 'url', severity: 'error', message: '${keychain:bad name} is not a valid keychain name.' },
    ]);
  });

  it('reports a name the keychain does not hold, and never takes inherited properties for secrets', () => {
    const r = resolveNodeConfig({ url: 'nats://u:${keychain:toString}@h:4222' }, {}, {}, { OTHER: 'x' });
    expect(r.problems[0]!.message).toBe(
      "${keychain:toString} is not in this computer's keychain; save it with “Save in keychain” in the Connections panel.",
    );
  });

  it('takes a keychain secret from a named connection, and does not warn of a password in the file', () => {
    const r = resolveNodeConfig(
      { url: 'local', stream: 'S' },
      { local: { url: 'nats://app:${keychain:NATS_PW}@h:4222' } },
      {},
      { NATS_PW: 'hunter22' },
    );
    expect(r).toEqual({
      config: { url: 'nats://app:hunter22@h:4222', stream: 'S' },
      problems: [],
      secrets: { NATS_PW: 'hunter22' },
    });
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

  it('reports a ${keychain:…} where there is no keychain, and accepts it where the keychain holds it', () => {
    const graph = {
      format: 'sluice/graph',
      version: 1,
      name: 'g',
      connections: { local: { url: 'nats://app:${keychain:NATS_PW}@127.0.0.1:4222' } },
      nodes: [{ id: 'in', type: 'source.nats', config: { url: 'local', stream: 'S' } }],
      edges: [],
    } as unknown as GraphFile;
    expect(connectionProblems(graph, {})).toEqual([
      {
        severity: 'error',
        nodeId: 'in',
        field: 'url',
        message:
          'Node "in": url: ${keychain:NATS_PW}: keychain secrets are available in the desktop app; use ${env:NAME} here.',
      },
    ]);
    expect(connectionProblems(graph, null, 'absent')).toHaveLength(1);
    expect(connectionProblems(graph, null)).toEqual([]);
    expect(connectionProblems(graph, {}, { NATS_PW: 'pw' })).toEqual([]);
  });
});
