/**
 * Connectors (SPEC §10): event platforms and databases as sources and sinks.
 *
 * A connector node file stays isomorphic, like every node file: it asks its context's io for a
 * `BrokerReader` (sources) or a `BrokerWriter` (sinks) of a `ConnectorKind`, and never sees a
 * client library. The Node side (`engine/connectors/`) owns the client, the connection with its
 * timeouts, reconnects with backoff and jitter, the durable outbox of sinks, and the status the
 * metrics report. Node files are tested in process with an io that hands out real connections.
 *
 * Delivery is tied to the checkpoint lifecycle (Redpanda Connect's `Read` + `AckFunc`, with the
 * acknowledgement deferred to the checkpoint):
 *
 *   source: poll → `take` messages → at a barrier, `mark(n)` returns the resume position for
 *           the snapshot → when n is durable, `acknowledge(n)` acks what n covers (never sooner).
 *   sink:   process → `write` records (into the outbox, not yet durable) → at a barrier,
 *           `stage(n, rest)` makes them durable under n → when n is durable, `commit(n)` sends
 *           everything staged up to n, in order, in the background, with ids that make a retry
 *           after a crash a no-op where the platform allows.
 *
 * Kafka fits the same shape: a reader's position is `{ partition: offset }` for every assigned
 * partition, and a consumer group's commit is the `acknowledge` of a checkpoint.
 */

/** The platforms Sluice connects to. One node file per source and sink of each. */
export type ConnectorKind = 'nats' | 'redis' | 'rabbitmq' | 'mqtt' | 'postgres' | 'http';

/**
 * Where a connection is.
 * - `connecting`: first attempt, not yet up.
 * - `connected`: up; reading or able to send.
 * - `reconnecting`: it was up or is retrying after a transient failure (broker down, network).
 * - `failed`: a permanent failure (refused login, unknown stream): the run fails with `error`.
 * - `closed`: closed by the run.
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

/** A connection's state for the metrics, the node badge ("reconnecting (3)") and the CLI. */
export interface ConnectorStatus {
  state: ConnectionState;
  /** Attempts since the connection was last up (0 while connected). */
  attempts: number;
  /** The last failure in one line, naming the URL without credentials. */
  error?: string;
  /**
   * Consumer lag as the platform reports it: JetStream pending, Redis group lag, queue depth;
   * for sinks, records staged and not yet confirmed. null where the platform does not tell.
   */
  lag: number | null;
}

/** One message read from a platform. */
export interface BrokerMessage {
  /**
   * Stable across replays: derived from the message's position (stream and sequence, entry id,
   * stream offset), so a source that resumes after a crash gives replayed events the same ids.
   */
  id: string;
  /** The payload as text (UTF-8). The source parses it per its `format` (json/text). */
  payload: string;
  /** The subject, topic, routing key, stream or request path it came on. */
  subject: string;
  headers: Record<string, string>;
  /** The platform's timestamp in ms, or null where it has none. */
  time: number | null;
}

export interface BrokerReaderOptions {
  kind: ConnectorKind;
  /** The node's config: defaults applied, `url` resolved from `connections` and `${env:…}`. */
  config: Readonly<Record<string, unknown>>;
  /** What `mark` returned for the restored checkpoint, or null for a first start. */
  resumeFrom: unknown;
  /**
   * Called from the client's callbacks when messages arrive while `take` had nothing: the
   * source asks for a poll (`OperatorContext.wake`). Never called synchronously from `take`.
   */
  onReadable(): void;
}

/**
 * A source's connection. Never blocks: `take` returns what the client has buffered (bounded;
 * the client stops fetching while the buffer is full, so a slow graph holds the broker back,
 * not memory). "Not connected" is a status, not an exception: `take` returns [] meanwhile.
 */
export interface BrokerReader {
  /** Up to `max` messages received and not taken yet, in the platform's order. */
  take(max: number): BrokerMessage[];
  /**
   * A barrier for checkpoint `checkpointId`: everything taken so far belongs to it. Returns the
   * position to resume after (JSON-able), which the source puts in its snapshot.
   */
  mark(checkpointId: number): unknown;
  /**
   * Checkpoint `checkpointId` is durable: acknowledge to the platform what it covers (classic
   * queues, Redis groups, MQTT QoS 1, webhook replies). Idempotent; a no-op where the position
   * alone is enough (JetStream, Redis without a group, RabbitMQ streams).
   */
  acknowledge(checkpointId: number): void;
  /**
   * At the end of a run: resolves once the acknowledgements sent so far are confirmed (or
   * `timeoutMs` passed). Readers that acknowledge nothing need not have it.
   */
  settle?(timeoutMs: number): Promise<boolean>;
  /** True once a finite input is exhausted (live platforms never end). */
  readonly ended: boolean;
  status(): ConnectorStatus;
  close(): void;
}

/** One record a sink sends. */
export interface BrokerRecord {
  /** The event id: the idempotency key (Nats-Msg-Id, message-id, Idempotency-Key, commit row). */
  id: string;
  key: string | null;
  time: number;
  /** The payload as text: JSON of the value (or of the whole event with `envelope`). */
  payload: string;
  /** Where it goes, `${key}` already filled in (subject, routing key, topic); absent: the config's. */
  subject?: string;
}

export interface BrokerWriterOptions {
  kind: ConnectorKind;
  /** As for readers: defaults applied, `url` resolved. */
  config: Readonly<Record<string, unknown>>;
}

/**
 * A sink's connection: the two phases of `TransactionalTable`, with a durable outbox in the
 * run's state store between them, so output survives a crash between the checkpoint and the
 * send. A sink refuses input (`Operator.accepts`) while `ready()` is false: a broker that went
 * away holds the graph back instead of growing the outbox without bound.
 */
export interface BrokerWriter {
  /** Output as it arrives, before the barrier that will own it (not durable yet). */
  write(records: readonly BrokerRecord[]): void;
  /** Durably set aside everything written since the last barrier, and `records`, as checkpoint `checkpointId`'s output. */
  stage(checkpointId: number, records: readonly BrokerRecord[]): void;
  /** Send, in order and in the background, what every checkpoint up to `checkpointId` staged. Idempotent. */
  commit(checkpointId: number): void;
  /** False while the outbox holds more unsent records than its bound. */
  ready(): boolean;
  /**
   * At the end of a run: resolves once everything committed so far is confirmed by the
   * platform (true), or when the connection failed or `timeoutMs` passed (false; the outbox
   * keeps the rest for the next run).
   */
  settle(timeoutMs: number): Promise<boolean>;
  status(): ConnectorStatus;
  close(): void;
}
