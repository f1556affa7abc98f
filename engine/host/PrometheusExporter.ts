import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphFile, RunEvent } from '../contract/index.js';
import { UserError } from '../contract/index.js';
import { readAlerts } from '../graph/alerts/readAlerts.js';
import { PrometheusMetrics } from './PrometheusMetrics.js';

/**
 * `sluice run --prometheus <port>` (SPEC §14): a run's metrics in the Prometheus text format at
 * `http://127.0.0.1:<port>/metrics`, for a Prometheus server to scrape. Feed it the run's events
 * (`observe`); it answers scrapes from the latest frame. The series are `PrometheusMetrics`'s.
 *
 * - Binds 127.0.0.1 only, and answers only requests whose Host is 127.0.0.1 or localhost with
 *   this port: no token (a scrape config has none by default), so a DNS-rebinding page must not
 *   read the graph's names through a browser.
 * - A fixed port: 0 would pick one no scrape config knows. A port in use is one clear line.
 * - The server does not keep the process alive: a run that fails to start still exits.
 */
export class PrometheusExporter {
  private constructor(
    private readonly server: http.Server,
    private readonly metrics: PrometheusMetrics,
    /** The port it listens on. */
    readonly port: number,
  ) {}

  /** Listen on 127.0.0.1:`port` for `graph`'s run; refuses a bad or busy port with a UserError. */
  static async start(port: number, graph: GraphFile): Promise<PrometheusExporter> {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new UserError(
        `--prometheus needs a port from 1 to 65535 for Prometheus to scrape, not ${port}${port === 0 ? ' (a random port is one no scrape config knows)' : ''}`,
      );
    }
    const metrics = await PrometheusMetrics.create(
      graph,
      readAlerts(graph).alerts.map((a) => a.id),
    );
    const server = http.createServer((req, res) => void answer(req, res, port, metrics));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const why =
          err.code === 'EADDRINUSE'
            ? 'the port is in use (by another program, or another sluice run); choose another with --prometheus'
            : err.code === 'EACCES'
              ? 'this user may not listen on it (ports below 1024 need privileges)'
              : err.message;
        reject(new UserError(`cannot serve Prometheus metrics on 127.0.0.1:${port}: ${why}`));
      });
      server.listen({ host: '127.0.0.1', port }, () => resolve());
    });
    server.unref();
    return new PrometheusExporter(server, metrics, (server.address() as AddressInfo).port);
  }

  /** Where Prometheus scrapes. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/metrics`;
  }

  /** Take a run event (frames, status, alerts). */
  observe(event: RunEvent): void {
    this.metrics.observe(event);
  }

  /** Stop listening and drop open scrape connections. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

async function answer(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  port: number,
  metrics: PrometheusMetrics,
): Promise<void> {
  const reply = (status: number, body: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const host = (req.headers.host ?? '').toLowerCase();
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
    reply(403, 'Refused: the Host header is not this local exporter.\n');
    return;
  }
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  if (path !== '/metrics') {
    reply(404, 'Sluice serves its metrics at /metrics.\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    reply(405, 'Use GET.\n', { allow: 'GET, HEAD' });
    return;
  }
  try {
    const text = await metrics.text();
    reply(200, text, { 'content-type': metrics.contentType });
  } catch (err) {
    reply(500, `The metrics could not be collected: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}
