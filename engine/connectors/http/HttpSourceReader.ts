import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { BrokerMessage, BrokerReader, BrokerReaderOptions, ConnectorStatus } from '../../contract/connector.js';
import { causeOf } from '../ConnectorError.js';

/** One POST: its values, how many the graph took, and the reply it waits for. */
interface PendingRequest {
  payloads: string[];
  ids: string[];
  headers: Record<string, string>;
  taken: number;
  res: ServerResponse;
}

/** The webhook's position: how many events it has numbered, so ids go on after a restore. */
interface HttpPosition {
  seq: number;
}

const DEFAULT_MAX_BYTES = 1024 * 1024;
const DEFAULT_MAX_PENDING = 10_000;

/**
 * `source.http`'s server: a webhook on `host:port` + `path` (node:http). Each POST of a JSON
 * value, or of an array of them, becomes events; the reply is 200 `{ "accepted": n }` only when
 * the checkpoint covering all of them completes, so a sender that retries until 200 gets
 * at-least-once. Bad requests get a 4xx with a one-line reason: 400 body not JSON, 401 missing or
 * wrong bearer token, 404 another path, 405 not POST, 413 body over `maxBytes`; 503 with
 * `Retry-After` while `maxPending` events wait for the graph or a checkpoint, or when the run
 * stops before a checkpoint covered them.
 *
 * Ids: `<Idempotency-Key>:<index>` when the sender gives that header (stable across its retries),
 * else `http-<n>` numbered in arrival order (the count is the checkpointed position).
 */
export class HttpSourceReader implements BrokerReader {
  readonly ended = false;
  private readonly server: Server;
  private readonly path: string;
  private readonly token: string | null;
  private readonly maxBytes: number;
  private readonly maxPending: number;
  private readonly onReadable: () => void;
  /** Requests with values the graph has not all taken, oldest first. */
  private readonly queue: PendingRequest[] = [];
  /** Requests fully taken, waiting for the next barrier. */
  private taken: PendingRequest[] = [];
  /** Requests a checkpoint covers, waiting for it to complete. */
  private readonly marks = new Map<number, PendingRequest[]>();
  /** Events received and not yet acknowledged. */
  private unacknowledged = 0;
  private seq: number;
  private current: ConnectorStatus = { state: 'connecting', attempts: 0, lag: 0 };
  private closed = false;

  /** `where`: the node, for messages (`source.http "hooks"`). */
  constructor(
    options: BrokerReaderOptions,
    private readonly where = 'source.http',
  ) {
    const c = options.config;
    this.path = typeof c.path === 'string' && c.path !== '' ? c.path : '/events';
    this.token = typeof c.token === 'string' && c.token !== '' ? c.token : null;
    this.maxBytes = typeof c.maxBytes === 'number' && c.maxBytes > 0 ? c.maxBytes : DEFAULT_MAX_BYTES;
    this.maxPending = typeof c.maxPending === 'number' && c.maxPending > 0 ? c.maxPending : DEFAULT_MAX_PENDING;
    this.onReadable = options.onReadable;
    const resume = options.resumeFrom as Partial<HttpPosition> | null;
    this.seq = typeof resume?.seq === 'number' ? resume.seq : 0;
    const host = typeof c.host === 'string' && c.host !== '' ? c.host : '127.0.0.1';
    const port = typeof c.port === 'number' ? c.port : 0;
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('error', (err: unknown) => {
      const code = (err as { code?: unknown }).code;
      const line =
        code === 'EADDRINUSE'
          ? `port ${port} on ${host} is already in use`
          : code === 'EACCES'
            ? `no permission to listen on port ${port} of ${host}`
            : `cannot listen on ${host}:${port}: ${causeOf(err)}`;
      this.current = { state: 'failed', attempts: 1, error: `${this.where}: ${line}`, lag: this.unacknowledged };
    });
    this.server.listen(port, host, () => {
      if (!this.closed) this.current = { state: 'connected', attempts: 0, lag: this.unacknowledged };
    });
  }

  /** The port the server listens on (the configured one, or the one the OS chose for port 0). */
  port(): number | null {
    const a = this.server.address();
    return a !== null && typeof a === 'object' ? a.port : null;
  }

  take(max: number): BrokerMessage[] {
    const out: BrokerMessage[] = [];
    while (this.queue.length > 0 && out.length < max) {
      const r = this.queue[0] as PendingRequest;
      while (r.taken < r.payloads.length && out.length < max) {
        const i = r.taken++;
        out.push({
          id: r.ids[i] as string,
          payload: r.payloads[i] as string,
          subject: this.path,
          headers: r.headers,
          time: null,
        });
      }
      if (r.taken < r.payloads.length) break;
      this.queue.shift();
      this.taken.push(r);
    }
    return out;
  }

  mark(checkpointId: number): unknown {
    if (this.taken.length > 0) {
      this.marks.set(checkpointId, this.taken);
      this.taken = [];
    }
    return { seq: this.seq };
  }

  acknowledge(checkpointId: number): void {
    for (const [id, requests] of this.marks) {
      if (id > checkpointId) break;
      this.marks.delete(id);
      for (const r of requests) {
        this.unacknowledged -= r.payloads.length;
        reply(r.res, 200, { accepted: r.payloads.length });
      }
    }
    this.current = { ...this.current, lag: this.unacknowledged };
  }

  status(): ConnectorStatus {
    return { ...this.current };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.current = { ...this.current, state: 'closed' };
    const unanswered = [...this.queue, ...this.taken, ...[...this.marks.values()].flat()];
    for (const r of unanswered)
      reply(r.res, 503, { error: 'the run stopped before a checkpoint covered these events; send them again' });
    this.queue.length = 0;
    this.taken = [];
    this.marks.clear();
    this.server.close();
    this.server.closeAllConnections();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== this.path)
      return refuse(req, res, 404, `no webhook at ${url.pathname}; this one is at ${this.path}`);
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return refuse(req, res, 405, `${req.method ?? 'this method'} is not accepted; POST a JSON value or array`);
    }
    if (this.token !== null && req.headers.authorization !== `Bearer ${this.token}`)
      return refuse(req, res, 401, 'missing or wrong bearer token (Authorization: Bearer <token>)');
    if (this.closed) return refuse(req, res, 503, 'the run is stopping');
    if (this.unacknowledged >= this.maxPending) {
      res.setHeader('Retry-After', '1');
      return refuse(req, res, 503, `${this.unacknowledged} events are waiting for a checkpoint; retry shortly`);
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.maxBytes) return refuse(req, res, 413, `the body is over ${this.maxBytes} bytes`);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      if (tooBig) return;
      size += chunk.length;
      if (size > this.maxBytes) {
        tooBig = true;
        refuse(req, res, 413, `the body is over ${this.maxBytes} bytes`);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!tooBig) this.accept(req, res, Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', () => undefined);
  }

  private accept(req: IncomingMessage, res: ServerResponse, body: string): void {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (err) {
      return reply(res, 400, { error: `the body is not valid JSON: ${causeOf(err)}` });
    }
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0) return reply(res, 200, { accepted: 0 });
    if (this.closed) return reply(res, 503, { error: 'the run is stopping' });
    const idempotencyKey = req.headers['idempotency-key'];
    const key = typeof idempotencyKey === 'string' && idempotencyKey !== '' ? idempotencyKey : null;
    const ids = values.map((_, i) => (key !== null ? `${key}:${i}` : `http-${this.seq + i}`));
    if (key === null) this.seq += values.length;
    const request: PendingRequest = {
      payloads: values.map((v) => JSON.stringify(v)),
      ids,
      headers: headersOf(req),
      taken: 0,
      res,
    };
    const wasEmpty = this.queue.length === 0;
    this.queue.push(request);
    this.unacknowledged += values.length;
    this.current = { ...this.current, lag: this.unacknowledged };
    if (wasEmpty) this.onReadable();
  }
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (k === 'authorization' || v === undefined) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body) + '\n');
}

/** Reply and stop reading the body (the connection closes, so an unread body cannot linger). */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, error: string): void {
  res.setHeader('Connection', 'close');
  reply(res, status, { error });
  req.resume();
}
