import type {
  BrokerReader,
  BrokerReaderOptions,
  BrokerWriter,
  BrokerWriterOptions,
  ConnectorStatus,
} from './connector.js';
import type { SluiceEvent } from './event.js';

/**
 * The operator lifecycle. Every node instance implements it; hooks a node does not need are
 * omitted. The runtime calls hooks on one thread, never concurrently.
 *
 *   open → (process | onTimer | snapshot | onCheckpointComplete)* → onEnd → close
 *
 * Watermarks, barriers and end-of-stream travel in line with the events on every channel, so
 * `snapshot` is called exactly between the events before a barrier and the events after it,
 * and `onWatermark` after the events sent before the watermark (SPEC §12). Sources' watermarks
 * come from the times of the events they emit (minus their `watermarkDelayMs`); an operator
 * without `onWatermark` forwards the minimum over its inputs that are not idle.
 */
export interface Operator {
  kind?: 'operator';
  open?(): void;
  /**
   * One input event. `port` is the input port name; `input` numbers the incoming channel among
   * all channels into this instance (0..ctx.inputCount-1), for operators that track per-input
   * watermarks.
   */
  process(event: SluiceEvent, port: string, out: Emitter, input: number): void;
  /**
   * For a sink that reads nothing of its events but their values' JSON (`sink.file` writing
   * values): events that crossed a thread undecoded come here a batch at a time, as their
   * values' texts `texts[from..to)` (as `valueJson` gives them), instead of to `process` one by
   * one, and no event object is made. Leave it undefined on an instance that reads more.
   */
  processValueTexts?(texts: readonly string[], from: number, to: number): void;
  /** A processing-time timer asked for with `ctx.setTimer` has come due. */
  onTimer?(now: number, out: Emitter): void;
  /**
   * The watermark signal of input `input` moved to `wm` (−∞ before the first, +∞ once the input
   * ended), or the input went idle (`idle`: it stops holding the watermark back) or active
   * again. Event-time operators fire here what the watermark closes, and return the watermark
   * they forward: never above the time of output they may still emit. Without this hook the
   * runtime forwards the minimum over the inputs that are not idle.
   */
  onWatermark?(wm: number, input: number, idle: boolean, out: Emitter): number;
  /** Every input has ended: flush what is held (windows fire, batches emit). */
  onEnd?(out: Emitter): void;
  /**
   * A checkpoint barrier passed: return this instance's state as JSON-able data (or undefined
   * if stateless). Sinks return their staged output here, so it is stored with the checkpoint.
   */
  snapshot?(checkpointId: number): unknown;
  /**
   * True if `snapshot` returns a value built for it that the operator never touches again (fresh
   * arrays of numbers and strings, not its own maps or arrays). The runtime may then encode a
   * large state in slices between the operator's later turns, so the operator pauses only to
   * build the value, not to encode it. Such a value may also write its own JSON in slices
   * (`SlicedJson`: a copy-on-write view of the state as of the
   * barrier), so the operator does not even pause to build it.
   */
  readonly snapshotOwned?: boolean;
  /**
   * Output the last `snapshot` staged in the background (a seal's fsync on the thread pool)
   * is durable when this settles; null or undefined when nothing is in flight. The runtime
   * reports the snapshot only then, and goes on delivering events meanwhile; a rejection fails
   * the worker like a throw.
   */
  durable?(): Promise<void> | null;
  /** Restore what `snapshot` returned, before any event is processed. */
  restore?(state: unknown): void;
  /**
   * The checkpoint `checkpointId` is durable: a sink makes visible what that snapshot staged.
   * Must be idempotent per checkpoint id (it is called again after a crash during commit).
   */
  onCheckpointComplete?(checkpointId: number): void;
  /** Approximate state size (keys, ids, retained events) for metrics. */
  stateSize?(): number;
  /** Connector sinks: the connection's state and lag, read at each metrics report (SPEC §10). */
  connectorStatus?(): ConnectorStatus | null;
  /**
   * For operators that pace their own output (topic subscriptions, throttle's delay queue):
   * called whenever downstream may have room. `credit(port)` is how many events the port can
   * take now without blocking. Emitting more than the credit is allowed but queues in memory.
   */
  pump?(out: Emitter, credit: (port: string) => number): void;
  /** False while the operator wants no input (topic in `block` mode with full retention). */
  accepts?(): boolean;
  /** True while `pump` has output waiting; the runtime keeps calling `pump` as credit frees. */
  hasPending?(): boolean;
  close?(): void;
}

/** Result of a source poll. */
export type PollResult = 'more' | 'idle' | 'end';

/**
 * A source: the runtime polls it while downstream has credit. Its position is its state: a
 * source is replayable from the offset it snapshots.
 */
export interface SourceOperator {
  kind: 'source';
  open?(): void;
  /**
   * Emit at most `budget` events. 'more': call again when there is credit; 'idle': nothing now
   * (rate limit, follow mode), the source has set a timer or expects to be polled again soon;
   * 'end': finished.
   */
  poll(budget: number, out: Emitter): PollResult;
  /**
   * The newest event time emitted so far (−∞ before any): the runtime forwards it minus the
   * source's `watermarkDelayMs` as its watermark after each poll. Without it the runtime reads
   * the time of every event the source emits, which costs a little per event.
   */
  newestTime?(): number;
  /** The position to resume from (JSON-able). */
  snapshot(checkpointId: number): unknown;
  restore(state: unknown): void;
  onTimer?(now: number, out: Emitter): void;
  /** The checkpoint is durable: acknowledge to the platform what it covers (connector sources). */
  onCheckpointComplete?(checkpointId: number): void;
  /** Connector sources: the connection's state and consumer lag, read at each metrics report. */
  connectorStatus?(): ConnectorStatus | null;
  close?(): void;
}

/** Where an operator sends its output. */
export interface Emitter {
  emit(port: string, event: SluiceEvent): void;
}

/** Files, databases and the console, provided by the runtime so node files stay isomorphic. */
export interface OperatorIo {
  /** Resolve a config path against the graph file's folder. */
  resolvePath(path: string): string;
  /**
   * Open a text file for line reading from a byte offset. Throws `UserError` if missing, unless
   * `missingOk`: then it reads as empty until the file appears.
   */
  openLineReader(path: string, fromOffset: number, follow: boolean, missingOk?: boolean): LineReader;
  /**
   * A file that only grows by what completed checkpoints cover. `contract`: the sink's contract
   * (`orders@2`), recorded beside the file for `validate`'s check of what the target holds.
   */
  openTransactionalFile(path: string, contract?: string): TransactionalFile;
  /** A SQLite table sink. `path` undefined: the run's state database. `contract`: as for files. */
  openSqliteTable(
    path: string | undefined,
    table: string,
    mode: 'append' | 'upsert',
    contract?: string,
  ): TransactionalTable;
  /** Print one line to the run's console (stdout in the CLI, the log panel in the app). */
  console(line: string): void;
  /** Ask for a notification (a desktop one in the app, stderr in the CLI, a notice in the browser). */
  notify(title: string, body: string): void;
  /**
   * A connection to an event platform for a source (SPEC §10): connects in the background,
   * reconnects with backoff; a permanent failure shows in `status()`. Throws `UserError` for a
   * kind this build has no connector for.
   */
  openBrokerReader(options: BrokerReaderOptions): BrokerReader;
  /** A sink's connection with its durable outbox in the run's state store. */
  openBrokerWriter(options: BrokerWriterOptions): BrokerWriter;
}

/**
 * A snapshot that writes its own JSON in slices: an operator's view of its state as of the
 * barrier, read while the operator goes on (copy-on-write). `writeJsonSlices` appends the same
 * text `JSON.stringify(toJSON())` would, yielding between slices; `toJSON` is for code that
 * encodes the value at once.
 */
export interface SlicedJson {
  writeJsonSlices(parts: string[]): Generator<void, void, void>;
  toJSON(): unknown;
}

export interface LineReader {
  /** Up to `max` complete lines; `offset` is the byte offset after the last returned line. */
  read(max: number): { lines: string[]; offset: number; eof: boolean };
  close(): void;
}

/**
 * A sink's two-phase commit (SPEC §6). At a barrier the sink `stage`s what it buffered since
 * the last one, durably but invisibly (a staging file, a staging table); the checkpoint holds
 * only its id. When the checkpoint is complete, `commit` makes everything staged up to it
 * visible, idempotently. After a crash the io layer drops what later checkpoints staged.
 */
export interface TransactionalFile {
  /** Hand over output as it arrives, before the barrier that will own it (not durable yet). */
  write(lines: readonly string[]): void;
  /** Durably set aside everything written since the last barrier, and `lines`, as checkpoint `checkpointId`'s output (not visible yet). */
  stage(checkpointId: number, lines: readonly string[]): void;
  /**
   * `stage` with its fsync off the thread: sets the output aside at once and makes it durable
   * in the background; output written after the call goes to the next segment. Durable when
   * the promise resolves; seals resolve in order.
   */
  seal?(checkpointId: number, lines: readonly string[]): Promise<void>;
  /** Make visible, in order, what every checkpoint up to `checkpointId` staged. Idempotent. */
  commit(checkpointId: number): void;
  /** `commit` with its I/O off the thread, after every earlier seal; settles once recorded. */
  commitInBackground?(checkpointId: number): Promise<void>;
  close(): void;
}

export interface SqliteRow {
  key: string | null;
  time: number;
  value: string;
}

/** The same two phases for table rows. */
export interface TransactionalTable {
  write(rows: readonly SqliteRow[]): void;
  stage(checkpointId: number, rows: readonly SqliteRow[]): void;
  /** `stage` with its fsync off the thread, as `TransactionalFile.seal`. */
  seal?(checkpointId: number, rows: readonly SqliteRow[]): Promise<void>;
  commit(checkpointId: number): void;
  /** `commit` with its fsync off the thread, as `TransactionalFile.commitInBackground`. */
  commitInBackground?(checkpointId: number): Promise<void>;
  close(): void;
}

/** Everything a node instance gets from the runtime. Small on purpose. */
export interface OperatorContext {
  nodeId: string;
  /** This instance's index (0..parallelism-1). */
  instance: number;
  parallelism: number;
  /** Channels into this instance (for per-input watermarks). */
  inputCount: number;
  /** The node's config with descriptor defaults applied. */
  config: Record<string, unknown>;
  /** Wall-clock ms. */
  now(): number;
  /** Ask for `onTimer` at wall-clock ms `at` (processing time). Later calls replace earlier. */
  setTimer(at: number): void;
  /**
   * Poll this source (or give this operator a turn) soon, even if it said 'idle': for clients
   * that receive asynchronously. Safe to call from any callback, any number of times.
   */
  wake(): void;
  /** Feed no input to this operator until wall-clock ms `until` (throttle's delay mode). */
  pauseInput(until: number): void;
  /** Whether an output port has at least one edge (an unconnected `error` port dead-letters). */
  isConnected(port: string): boolean;
  /**
   * The subscriptions of an output port, for nodes that pace each edge on its own (topic): one
   * port name per outgoing edge, `<port>:<edgeId>`. Emit to those names to reach one edge.
   */
  subscriptions(port: string): string[];
  /** Report consumer lag and skipped events of a subscription port, for metrics. */
  reportLag(subscriptionPort: string, lag: number, skipped: number): void;
  /** Store a failed event in the run's dead letters. */
  deadLetter(event: SluiceEvent, error: string): void;
  /** Count events this node dropped by its own config (throttle drop, topic drop-oldest). */
  countDropped(n: number): void;
  /** Count events that failed in user code. */
  countError(n: number): void;
  /**
   * Report the watermark this node holds (windows), for metrics, with the newest event time it
   * has seen (what the watermark lags behind).
   */
  reportWatermark(wm: number, newestEventTime?: number): void;
  /** Count events this node sent to its `late` port (windows, reorder, join), for metrics. */
  countLate(n: number): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  io: OperatorIo;
}

/**
 * An error caused by the user's input (a missing file, a bad config): shown as one clear line,
 * never a stack trace.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
