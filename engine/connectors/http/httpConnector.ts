import type { BrokerWriter, BrokerWriterOptions } from '../../contract/connector.js';
import { UserError } from '../../contract/operator.js';
import type { ConnectorEnv, ConnectorFactory } from '../ConnectorFactory.js';
import { numberOf, textOf } from '../connectorConfig.js';
import type { OutboxRecord } from '../Outbox.js';
import { OutboxWriter } from '../OutboxWriter.js';
import { redactUrl } from '../redactUrl.js';
import { HttpSourceReader } from './HttpSourceReader.js';

/**
 * Webhooks in and out (SPEC §10) with Node's own HTTP: `node:http` for `source.http`, `fetch`
 * (undici, built into Node 20) for `sink.http`. No dependency to keep up to date.
 */
export const httpConnector: ConnectorFactory = {
  kind: 'http',
  openReader: (options, env) => new HttpSourceReader(options, env.node),
  openWriter: (options, env) => openHttpWriter(options, env),
};

/** The target of `sink.http`: where, how, and the headers of every request. */
interface HttpTarget {
  url: string;
  method: string;
  headers: Record<string, string>;
  batch: number;
  timeoutMs: number;
}

/**
 * `sink.http`: the outbox sends what completed checkpoints cover, each record (or each `batch`
 * of them as a JSON array) as one request with `Content-Type: application/json` and an
 * `Idempotency-Key` header (the event id; a batch: `<first id>..<last id>`). An answer other
 * than 2xx, or none within `timeoutMs`, is a lost connection: the writer waits (backoff with
 * jitter, "reconnecting (n)" with the status in the error) and sends the batch again, until 2xx:
 * at-least-once.
 */
function openHttpWriter(o: BrokerWriterOptions, env: ConnectorEnv): BrokerWriter {
  const target = targetOf(o.config);
  return new OutboxWriter<HttpTarget>(
    {
      where: `${target.method} ${redactUrl(target.url)}`,
      // Nothing to connect: a server that is down shows in the first send.
      startTimeoutMs: 10_000,
      open: () => Promise.resolve(target),
      shut: () => {},
      changed: () => {},
    },
    env.outbox(),
    { batchSize: target.batch, send: (t, batch) => post(t, batch) },
  );
}

async function post(t: HttpTarget, batch: readonly OutboxRecord[]): Promise<void> {
  if (batch.length === 0) return;
  const first = batch[0] as OutboxRecord;
  const last = batch[batch.length - 1] as OutboxRecord;
  const body = t.batch === 1 ? first.payload : `[${batch.map((r) => r.payload).join(',')}]`;
  const idempotencyKey = batch.length === 1 ? first.id : `${first.id}..${last.id}`;
  let res: Response;
  try {
    res = await fetch(t.url, {
      method: t.method,
      headers: { 'Content-Type': 'application/json', ...t.headers, 'Idempotency-Key': idempotencyKey },
      body,
      signal: AbortSignal.timeout(t.timeoutMs),
    });
  } catch (err) {
    // fetch says "fetch failed"; the reason (ECONNREFUSED, a timeout) is its cause.
    throw (err as { cause?: unknown }).cause ?? err;
  }
  await res.body?.cancel().catch(() => undefined);
  if (!res.ok) throw new Error(`answered ${res.status} ${res.statusText}`.trim());
}

function targetOf(c: Readonly<Record<string, unknown>>): HttpTarget {
  const raw = textOf(c, 'url') ?? '';
  const url = URL.canParse(raw) ? new URL(raw) : null;
  if (url === null || !/^https?:$/.test(url.protocol))
    throw new UserError(`sink.http needs an http:// or https:// URL, not “${redactUrl(raw)}”`);
  const headers = headersOf(c.headers);
  // fetch refuses a URL with credentials: they become a Basic Authorization header.
  if (url.username !== '' || url.password !== '') {
    const basic = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.Authorization ??= `Basic ${Buffer.from(basic).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  return {
    url: url.toString(),
    method: (textOf(c, 'method') ?? 'POST').toUpperCase(),
    headers,
    batch: Math.max(1, Math.floor(numberOf(c, 'batch', 1))),
    timeoutMs: Math.max(100, numberOf(c, 'timeoutMs', 10_000)),
  };
}

/** `headers` as `[{ name, value }]` (the inspector's list) or a plain object. */
function headersOf(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(raw)) {
    for (const h of raw as Array<{ name?: unknown; value?: unknown }>)
      if (typeof h?.name === 'string' && h.name !== '') out[h.name] = String(h.value ?? '');
  } else if (raw !== null && typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw)) out[k] = String(v);
  }
  return out;
}
