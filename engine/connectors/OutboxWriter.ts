import type { BrokerRecord, BrokerWriter, ConnectorStatus } from '../contract/connector.js';
import { ManagedConnection, type SessionSpec } from './ManagedConnection.js';
import type { Outbox, OutboxRecord } from './Outbox.js';

/** How a platform sends: a batch of records, in order, each with its idempotency id. */
export interface Sender<S> {
  /**
   * Send `batch` and resolve once the platform confirmed every record (publisher acks, a
   * committed transaction). Throw a `ConnectorError` (permanent) for what a retry cannot fix;
   * anything else is taken as a lost connection: it reconnects and the batch is sent again,
   * which the record ids make a no-op where the platform allows.
   */
  send(session: S, batch: readonly OutboxRecord[]): Promise<void>;
  /** Records per batch (default 500). */
  batchSize?: number;
}

/** Unconfirmed records an outbox may hold before the sink refuses input (backpressure). */
export const OUTBOX_BOUND = 100_000;

/**
 * A connector sink's `BrokerWriter`: the outbox (durable in the state store) between the
 * checkpoint and the platform, and a sender that drains it in the background:
 *   write/stage → the outbox; commit(n) → everything staged up to n is sent, in order, one
 *   batch at a time, each confirmed before the next (so a retry resends only the unconfirmed
 *   tail); a lost connection pauses the drain until it is back.
 */
export class OutboxWriter<S> implements BrokerWriter {
  readonly connection: ManagedConnection<S>;
  private committedUpTo = 0;
  private sending = false;
  private idle: Array<() => void> = [];

  constructor(
    spec: Omit<SessionSpec<S>, 'up'>,
    private readonly outbox: Outbox,
    private readonly sender: Sender<S>,
  ) {
    this.connection = new ManagedConnection<S>({
      ...spec,
      up: () => void this.drain(),
      changed: () => {
        spec.changed();
        // A connection that failed for good will send nothing more: whoever waits may go on.
        if (this.connection.failed) this.notifyIdle();
      },
    });
    this.connection.start();
  }

  write(records: readonly BrokerRecord[]): void {
    this.throwIfFailed();
    this.outbox.append(records);
  }

  stage(checkpointId: number, records: readonly BrokerRecord[]): void {
    this.throwIfFailed();
    this.outbox.stage(checkpointId, records);
  }

  commit(checkpointId: number): void {
    this.throwIfFailed();
    if (checkpointId > this.committedUpTo) this.committedUpTo = checkpointId;
    void this.drain();
  }

  ready(): boolean {
    return this.outbox.size < OUTBOX_BOUND;
  }

  status(): ConnectorStatus {
    return this.connection.status(this.outbox.size);
  }

  /**
   * Resolves when everything committed so far is confirmed, the connection failed, or
   * `timeoutMs` passed (true only in the first case). For the end of a finite run.
   */
  settle(timeoutMs: number): Promise<boolean> {
    if (this.isSettled()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.isSettled()), timeoutMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve(this.isSettled());
      });
    });
  }

  close(): void {
    this.connection.close();
    this.outbox.close();
    this.notifyIdle();
  }

  private isSettled(): boolean {
    return this.outbox.next(this.committedUpTo, 0, 1).length === 0;
  }

  private throwIfFailed(): void {
    const failure = this.connection.failure;
    if (failure !== null) throw Object.assign(new Error(failure), { name: 'UserError' });
  }

  /** Send what completed checkpoints staged, batch by batch, while connected. One loop at a time. */
  private async drain(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      for (;;) {
        const session = this.connection.session;
        if (session === null || !this.connection.connected) break;
        const batch = this.outbox.next(this.committedUpTo, 0, this.sender.batchSize ?? 500);
        if (batch.length === 0) break;
        try {
          await this.sender.send(session, batch);
        } catch (err) {
          this.connection.lost(err);
          break;
        }
        this.outbox.confirm(batch[batch.length - 1]!.seq);
      }
    } finally {
      this.sending = false;
    }
    if (this.isSettled() || this.connection.failed) this.notifyIdle();
  }

  private notifyIdle(): void {
    const waiting = this.idle;
    this.idle = [];
    for (const w of waiting) w();
  }
}
