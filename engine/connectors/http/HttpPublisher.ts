import type { BrokerRecord, BrokerWriterOptions, ConnectorStatus } from '../../contract/connector.js';
import { UserError } from '../../contract/operator.js';
import { errorLine, reconnectDelay, safeUrl } from '../adapterSupport.js';
import type { PlatformPublisher } from '../PlatformPublisher.js';

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * `sink.http`'s sender (fetch, i.e. Node's undici): each record, or each `batch` of them as a
 * JSON array, is one request with `Content-Type: application/json` and an `Idempotency-Key`
 * header (the event id; for a batch, `<first id>..<last id>`). A request is retried with
 * backoff until the server answers 2xx, so `publish` resolves only when every record was
 * accepted (at-least-once) and rejects only when the sink closes.
 */
export class HttpPublisher implements PlatformPublisher {
  private readonly url: string;
  private readonly method: string;
  private readonly headers: Record<string, string>;
  private readonly batch: number;
  private readonly timeoutMs: number;
  private current: ConnectorStatus = { state: 'connected', attempts: 0, lag: 0 };
  private closed = false;
  private readonly stop = new AbortController();

  constructor(options: BrokerWriterOptions) {
    const c = options.config;
    this.method = typeof c.method === 'string' && c.method !== '' ? c.method.toUpperCase() : 'POST';
    this.headers = headersOf(c.headers);
    // fetch refuses a URL with credentials: they become a Basic Authorization header.
    const url = URL.canParse(String(c.url)) ? new URL(String(c.url)) : null;
    if (url === null || !/^https?:$/.test(url.protocol))
      throw new UserError(`sink.http needs an http:// or https:// URL, not '${safeUrl(String(c.url ?? ''))}'`);
    if (url.username !== '' || url.password !== '') {
      const basic = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      this.headers.Authorization ??= `Basic ${Buffer.from(basic).toString('base64')}`;
      url.username = '';
      url.password = '';
    }
    this.url = url.toString();
    this.batch = typeof c.batch === 'number' && c.batch > 1 ? Math.floor(c.batch) : 1;
    this.timeoutMs = typeof c.timeoutMs === 'number' && c.timeoutMs > 0 ? c.timeoutMs : DEFAULT_TIMEOUT_MS;
  }

  async publish(records: readonly BrokerRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += this.batch) {
      const chunk = records.slice(i, i + this.batch);
      this.current = { ...this.current, lag: records.length - i };
      await this.send(chunk);
    }
    this.current = { ...this.current, lag: 0 };
  }

  status(): ConnectorStatus {
    return { ...this.current };
  }

  close(): void {
    this.closed = true;
    this.current = { ...this.current, state: 'closed' };
    this.stop.abort();
  }

  /** One request, retried until 2xx. */
  private async send(chunk: readonly BrokerRecord[]): Promise<void> {
    const first = chunk[0] as BrokerRecord;
    const last = chunk[chunk.length - 1] as BrokerRecord;
    const body = this.batch === 1 ? first.payload : `[${chunk.map((r) => r.payload).join(',')}]`;
    const idempotencyKey = chunk.length === 1 ? first.id : `${first.id}..${last.id}`;
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new Error('sink.http closed');
      let failure: string;
      try {
        const res = await fetch(this.url, {
          method: this.method,
          headers: { 'Content-Type': 'application/json', ...this.headers, 'Idempotency-Key': idempotencyKey },
          body,
          signal: AbortSignal.any([this.stop.signal, AbortSignal.timeout(this.timeoutMs)]),
        });
        await res.body?.cancel().catch(() => undefined);
        if (res.ok) {
          this.current = { state: 'connected', attempts: 0, lag: this.current.lag };
          return;
        }
        failure = `${this.method} ${safeUrl(this.url)} answered ${res.status} ${res.statusText}`.trim();
      } catch (err) {
        if (this.closed) throw new Error('sink.http closed');
        const cause = (err as { cause?: unknown }).cause;
        failure = `${this.method} ${safeUrl(this.url)} failed: ${errorLine(cause ?? err)}`;
      }
      this.current = { state: 'reconnecting', attempts: attempt, error: failure, lag: this.current.lag };
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, reconnectDelay(attempt));
        this.stop.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
      });
    }
  }
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
