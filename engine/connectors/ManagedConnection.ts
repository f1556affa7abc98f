import type { ConnectionState, ConnectorStatus } from '../contract/connector.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoffDelay.js';
import { causeOf, ConnectorError } from './ConnectorError.js';

/** What a platform gives the connection layer: how to open a session, and what its errors mean. */
export interface SessionSpec<S> {
  /** The node and URL for messages, without credentials: `source.nats "in" (nats://127.0.0.1:4222)`. */
  where: string;
  /**
   * Connect and set up (look up the stream, declare the queue). Throws a `ConnectorError` for
   * what it understood; anything else is taken as transient.
   */
  open(): Promise<S>;
  /** Close a session (best effort; errors are ignored). */
  shut(session: S): Promise<void> | void;
  /** A session is up (first time or again): start reading or sending. */
  up?(session: S): void;
  /** State, attempts or error changed: the owner wakes its node so it sees the change. */
  changed(): void;
  /**
   * At start, transient failures are retried for this long; then the run fails with the last
   * one ("broker down at start" is one clear line, not a run that waits forever). Once the
   * session has been up, a lost broker is retried without limit.
   */
  startTimeoutMs: number;
  /** One attempt to open gives up after this long (default: `startTimeoutMs`, at most 10 s). */
  attemptTimeoutMs?: number;
  backoff?: BackoffPolicy;
}

/**
 * One connection's life (Redpanda Connect's `Connect` retried until it succeeds):
 *
 *   connecting ──open ok──▶ connected ──lost──▶ reconnecting ──open ok──▶ connected …
 *        │ permanent error, or transient ones for `startTimeoutMs`        │ permanent error
 *        ▼                                                                 ▼
 *      failed (the run fails with `error`)                               failed
 *
 * Retries wait `backoffDelay(attempts)` (exponential, jittered). "Not connected" is a state
 * the node reads (`session` is null), never an exception.
 */
export class ManagedConnection<S> {
  session: S | null = null;
  private state: ConnectionState = 'connecting';
  private attempts = 0;
  private error: string | undefined;
  private wasUp = false;
  private startedAt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  /** Bumped per attempt and per loss, so a late answer of an abandoned attempt is dropped. */
  private generation = 0;

  constructor(private readonly spec: SessionSpec<S>) {}

  start(): void {
    this.startedAt = Date.now();
    void this.attempt();
  }

  get connected(): boolean {
    return this.state === 'connected' && this.session !== null;
  }

  get failed(): boolean {
    return this.state === 'failed';
  }

  status(lag: number | null): ConnectorStatus {
    return { state: this.state, attempts: this.attempts, ...(this.error ? { error: this.error } : {}), lag };
  }

  /** The last error, when the connection failed for good. */
  get failure(): string | null {
    return this.state === 'failed' ? (this.error ?? `${this.spec.where}: failed`) : null;
  }

  /**
   * The session broke (the client reported a closed socket, a send failed): close it and
   * reconnect, unless the error is permanent.
   */
  lost(err: unknown): void {
    if (this.closed || this.state === 'failed') return;
    if (err instanceof ConnectorError && err.permanent) {
      this.fail(err.message);
      return;
    }
    const s = this.session;
    this.session = null;
    this.generation++;
    if (s !== null) void this.shutQuietly(s);
    if (this.state === 'reconnecting' && this.timer !== null) return;
    this.state = this.wasUp ? 'reconnecting' : 'connecting';
    // The loss is the first failure: "reconnecting (1)" while the first retry waits.
    this.attempts = 1;
    this.error = `${this.spec.where}: ${causeOf(err)}`;
    this.schedule();
    this.spec.changed();
  }

  /** A permanent failure found by the owner (a message the platform refuses for good). */
  fail(message: string): void {
    if (this.closed) return;
    this.state = 'failed';
    this.error = message.startsWith(this.spec.where) ? message : `${this.spec.where}: ${message}`;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const s = this.session;
    this.session = null;
    if (s !== null) void this.shutQuietly(s);
    this.spec.changed();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.state = 'closed';
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const s = this.session;
    this.session = null;
    if (s !== null) void this.shutQuietly(s);
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = null;
        void this.attempt();
      },
      backoffDelay(Math.max(1, this.attempts), this.spec.backoff ?? DEFAULT_BACKOFF),
    );
  }

  private async attempt(): Promise<void> {
    if (this.closed || this.state === 'failed') return;
    const gen = ++this.generation;
    const limit = this.spec.attemptTimeoutMs ?? Math.min(10_000, Math.max(1000, this.spec.startTimeoutMs));
    let timeout: ReturnType<typeof setTimeout> | null = null;
    const opening = this.spec.open();
    try {
      const session = await Promise.race([
        opening,
        new Promise<never>((_, reject) => {
          timeout = setTimeout(() => reject(new Error(`no answer within ${limit} ms`)), limit);
        }),
      ]);
      if (this.closed || gen !== this.generation) {
        void this.shutQuietly(session);
        return;
      }
      this.session = session;
      this.state = 'connected';
      this.attempts = 0;
      this.error = undefined;
      this.wasUp = true;
      this.spec.up?.(session);
      this.spec.changed();
    } catch (err) {
      // An attempt that timed out may still connect: close that session when it comes.
      opening.then(
        (late) => this.shutQuietly(late),
        () => {},
      );
      if (this.closed || gen !== this.generation) return;
      this.attempts++;
      const message = `${this.spec.where}: ${causeOf(err)}`;
      if (err instanceof ConnectorError && err.permanent) {
        this.fail(message);
        return;
      }
      if (!this.wasUp && Date.now() - this.startedAt >= this.spec.startTimeoutMs) {
        // Refused at start: most often the server is not running (a template's first run).
        const hint = /refused|ECONNREFUSED/i.test(message) ? '; is the server running?' : '';
        this.fail(
          `${message}; gave up after ${this.attempts} attempt${this.attempts === 1 ? '' : 's'} in ${Math.round((Date.now() - this.startedAt) / 100) / 10} s${hint}`,
        );
        return;
      }
      this.state = this.wasUp ? 'reconnecting' : 'connecting';
      this.error = message;
      this.schedule();
      this.spec.changed();
    } finally {
      if (timeout) clearTimeout(timeout);
    }
  }

  private async shutQuietly(s: S): Promise<void> {
    try {
      await this.spec.shut(s);
    } catch {
      // a session we are leaving: nothing to protect
    }
  }
}
