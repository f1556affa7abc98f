import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { GraphFile } from '../../../../engine/contract/index.js';
import { PrometheusExporter } from '../../../../engine/host/PrometheusExporter.js';
import { prometheusSamples, sample } from '../../../integration/prometheusSamples.js';
import { rawRequest } from './hostFixture.js';

const graph: GraphFile = {
  format: 'sluice/graph',
  version: 1,
  name: 'Exported',
  nodes: [{ id: 'gen', type: 'source.generator', config: { count: 3 } }],
  edges: [],
  alerts: [{ id: 'stalled', when: 'run rate < 1' }],
};

/** A port nobody listens on now (the OS's pick, released). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const open: Array<{ close(): Promise<void> | void }> = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

describe('PrometheusExporter', () => {
  it('answers GET /metrics on 127.0.0.1 with the text format', async () => {
    const exporter = await PrometheusExporter.start(await freePort(), graph);
    open.push(exporter);
    expect(exporter.url).toBe(`http://127.0.0.1:${exporter.port}/metrics`);
    const res = await rawRequest(exporter.port, '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(prometheusSamples(res.body), 'sluice_alert_firing', { graph: 'Exported', alert: 'stalled' })).toBe(0);
    expect((await rawRequest(exporter.port, '/metrics', {}, 'HEAD')).status).toBe(200);
  });

  it('accepts localhost as the Host and refuses any other name (DNS rebinding)', async () => {
    const exporter = await PrometheusExporter.start(await freePort(), graph);
    open.push(exporter);
    expect((await rawRequest(exporter.port, '/metrics', { Host: `localhost:${exporter.port}` })).status).toBe(200);
    const foreign = await rawRequest(exporter.port, '/metrics', { Host: `evil.example:${exporter.port}` });
    expect(foreign.status).toBe(403);
    expect(foreign.body).not.toContain('sluice_');
  });

  it('says where the metrics are for any other path, and refuses other methods', async () => {
    const exporter = await PrometheusExporter.start(await freePort(), graph);
    open.push(exporter);
    const other = await rawRequest(exporter.port, '/');
    expect(other).toMatchObject({ status: 404, body: 'Sluice serves its metrics at /metrics.\n' });
    const post = await rawRequest(exporter.port, '/metrics', {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers['allow']).toBe('GET, HEAD');
  });

  it('refuses port 0 and ports out of range in one sentence', async () => {
    await expect(PrometheusExporter.start(0, graph)).rejects.toThrow(
      '--prometheus needs a port from 1 to 65535 for Prometheus to scrape, not 0 (a random port is one no scrape config knows)',
    );
    await expect(PrometheusExporter.start(70000, graph)).rejects.toThrow(
      /^--prometheus needs a port from 1 to 65535 for Prometheus to scrape, not 70000$/,
    );
  });

  it('refuses a port in use in one sentence naming it', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((resolve) => busy.close(() => resolve())) });
    const port = (busy.address() as net.AddressInfo).port;
    const err = await PrometheusExporter.start(port, graph).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({
      name: 'UserError',
      message: `cannot serve Prometheus metrics on 127.0.0.1:${port}: the port is in use (by another program, or another sluice run); choose another with --prometheus`,
    });
  });
});
