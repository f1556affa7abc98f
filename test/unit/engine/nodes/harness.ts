/**
 * A harness for driving one operator in-process: a fake OperatorContext with a controllable
 * clock and timer, in-memory io (line readers over strings, transactional files and tables that
 * record their commits) and an Emitter that records (port, event) pairs. Only the runtime's
 * side is faked; the operator under test is the real one.
 */
import type { FieldSchema, NodeDescriptor } from '../../../../engine/contract/descriptor.js';
import type { SluiceEvent } from '../../../../engine/contract/event.js';
import type {
  Emitter,
  LineReader,
  Operator,
  OperatorContext,
  OperatorIo,
  PollResult,
  SourceOperator,
  SqliteRow,
  TransactionalFile,
  TransactionalTable,
} from '../../../../engine/contract/operator.js';
import { UserError } from '../../../../engine/contract/operator.js';
import type {
  BrokerReader,
  BrokerReaderOptions,
  BrokerWriter,
  BrokerWriterOptions,
} from '../../../../engine/contract/connector.js';
import { openBrokerReader, openBrokerWriter } from '../../../../engine/connectors/openBroker.js';
import { MemoryOutbox } from '../../../../engine/connectors/Outbox.js';

/** Records every emitted (port, event) pair. */
export class RecordingEmitter implements Emitter {
  readonly emitted: Array<{ port: string; event: SluiceEvent }> = [];
  emit(port: string, event: SluiceEvent): void {
    this.emitted.push({ port, event });
  }
  /** Events emitted to `port`, in order. */
  on(port: string): SluiceEvent[] {
    return this.emitted.filter((e) => e.port === port).map((e) => e.event);
  }
  values(port = 'out'): unknown[] {
    return this.on(port).map((e) => e.value);
  }
  clear(): void {
    this.emitted.length = 0;
  }
}

/** In-memory files, one transactional file and table per path, and the console. */
export class MemoryIo implements OperatorIo {
  readonly files = new Map<string, string>();
  readonly txFiles = new Map<string, MemoryTxFile>();
  readonly tables = new Map<string, MemoryTable>();
  readonly consoleLines: string[] = [];
  readonly openedReaders: Array<{ path: string; fromOffset: number; follow: boolean }> = [];

  resolvePath(path: string): string {
    return path.startsWith('/') ? path : '/graphs/' + path;
  }
  /** Append text to an in-memory file (for follow-mode tests). */
  append(path: string, text: string): void {
    this.files.set(path, (this.files.get(path) ?? '') + text);
  }
  openLineReader(path: string, fromOffset: number, follow: boolean): LineReader {
    if (!this.files.has(path)) throw new UserError(`File ${path} does not exist.`);
    this.openedReaders.push({ path, fromOffset, follow });
    return new MemoryLineReader(() => this.files.get(path) ?? '', fromOffset, follow);
  }
  openTransactionalFile(path: string): TransactionalFile {
    let f = this.txFiles.get(path);
    if (!f) this.txFiles.set(path, (f = new MemoryTxFile()));
    return f;
  }
  openSqliteTable(path: string | undefined, table: string, mode: 'append' | 'upsert'): TransactionalTable {
    const name = `${path ?? '<state>'}#${table}`;
    let t = this.tables.get(name);
    if (!t) this.tables.set(name, (t = new MemoryTable(mode)));
    return t;
  }
  /** Real connections (connector tests run against the real servers), with an outbox in memory. */
  readonly brokers: Array<BrokerReader | BrokerWriter> = [];
  sinkId = `test-${Math.random().toString(36).slice(2)}`;
  openBrokerReader(options: BrokerReaderOptions): BrokerReader {
    const r = openBrokerReader(options, this.connectorEnv(options.kind));
    this.brokers.push(r);
    return r;
  }
  openBrokerWriter(options: BrokerWriterOptions): BrokerWriter {
    const w = openBrokerWriter(options, this.connectorEnv(options.kind));
    this.brokers.push(w);
    return w;
  }
  private connectorEnv(kind: string) {
    return { node: `${kind} test`, sinkId: this.sinkId, storeId: 'test-store', outbox: () => new MemoryOutbox() };
  }
  console(line: string): void {
    this.consoleLines.push(line);
  }
  readonly notifications: Array<{ title: string; body: string }> = [];
  notify(title: string, body: string): void {
    this.notifications.push({ title, body });
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads complete lines by byte offset; without follow, a last line lacking `\n` counts too. */
class MemoryLineReader implements LineReader {
  closed = false;
  constructor(
    private readonly text: () => string,
    private offset: number,
    private readonly follow: boolean,
  ) {}
  read(max: number): { lines: string[]; offset: number; eof: boolean } {
    const bytes = encoder.encode(this.text());
    const lines: string[] = [];
    while (lines.length < max && this.offset < bytes.length) {
      const nl = bytes.indexOf(10, this.offset);
      if (nl < 0) {
        if (this.follow) break;
        lines.push(decoder.decode(bytes.subarray(this.offset)));
        this.offset = bytes.length;
        break;
      }
      lines.push(decoder.decode(bytes.subarray(this.offset, nl)));
      this.offset = nl + 1;
    }
    const rest = bytes.subarray(this.offset);
    const eof = this.offset >= bytes.length || (this.follow && rest.indexOf(10) < 0);
    return { lines, offset: this.offset, eof };
  }
  close(): void {
    this.closed = true;
  }
}

/**
 * The two phases every in-memory sink target shares: `write` and `stage` fill the open segment
 * and seal it under a checkpoint id; `commit` hands each sealed checkpoint up to an id to
 * `apply`, in order and once each, as the real io layer promises.
 */
class MemoryTwoPhase<T> {
  readonly committed: Array<{ checkpointId: number; items: T[] }> = [];
  /** Staged but not committed, by checkpoint id; `open`: written since the last barrier. */
  readonly staged = new Map<number, T[]>();
  open: T[] = [];
  closed = false;
  constructor(private readonly apply: (items: T[]) => void = () => {}) {}
  write(items: readonly T[]): void {
    this.open.push(...items);
  }
  stage(checkpointId: number, items: readonly T[]): void {
    this.write(items);
    if (this.open.length > 0) this.staged.set(checkpointId, this.open);
    this.open = [];
  }
  commit(checkpointId: number): void {
    for (const id of [...this.staged.keys()].sort((a, b) => a - b)) {
      if (id > checkpointId) continue;
      const items = this.staged.get(id)!;
      this.staged.delete(id);
      if (this.committed.some((c) => c.checkpointId === id)) continue;
      this.committed.push({ checkpointId: id, items });
      this.apply(items);
    }
  }
  close(): void {
    this.closed = true;
  }
}

export class MemoryTxFile extends MemoryTwoPhase<string> implements TransactionalFile {
  get commits(): Array<{ checkpointId: number; lines: string[] }> {
    return this.committed.map((c) => ({ checkpointId: c.checkpointId, lines: c.items }));
  }
  get lines(): string[] {
    return this.committed.flatMap((c) => c.items);
  }
}

export class MemoryTable extends MemoryTwoPhase<SqliteRow> implements TransactionalTable {
  readonly rows: SqliteRow[] = [];
  get commits(): Array<{ checkpointId: number; rows: SqliteRow[] }> {
    return this.committed.map((c) => ({ checkpointId: c.checkpointId, rows: c.items }));
  }
  constructor(readonly mode: 'append' | 'upsert') {
    super((rows) => {
      for (const row of rows) {
        const at = this.mode === 'upsert' ? this.rows.findIndex((r) => r.key === row.key) : -1;
        if (at >= 0) this.rows[at] = row;
        else this.rows.push(row);
      }
    });
  }
}

export interface HarnessOptions {
  nodeId?: string;
  instance?: number;
  parallelism?: number;
  inputCount?: number;
  /** Output ports that have an edge; default: every port except `error`. */
  connected?: string[];
  /** Subscription ports per output port (topic). */
  subscriptions?: Record<string, string[]>;
  now?: number;
  io?: MemoryIo;
}

/** The fake runtime side of one operator instance. */
export class FakeContext implements OperatorContext {
  nodeId: string;
  instance: number;
  parallelism: number;
  inputCount: number;
  config: Record<string, unknown>;
  io: MemoryIo;
  clock: number;
  /** The pending timer (later calls replace earlier, as in the contract). */
  timer: number | null = null;
  readonly timersSet: number[] = [];
  /** Times `wake` was called (a connector client received messages). */
  woken = 0;
  readonly pauses: number[] = [];
  readonly deadLetters: Array<{ event: SluiceEvent; error: string }> = [];
  readonly logs: Array<{ level: string; message: string }> = [];
  readonly watermarks: number[] = [];
  readonly lags = new Map<string, { lag: number; skipped: number }>();
  dropped = 0;
  errors = 0;
  late = 0;
  private readonly connected: Set<string> | null;
  private readonly subs: Record<string, string[]>;

  constructor(config: Record<string, unknown>, opts: HarnessOptions = {}) {
    this.nodeId = opts.nodeId ?? 'n1';
    this.instance = opts.instance ?? 0;
    this.parallelism = opts.parallelism ?? 1;
    this.inputCount = opts.inputCount ?? 1;
    this.config = config;
    this.io = opts.io ?? new MemoryIo();
    this.clock = opts.now ?? 1_000_000;
    this.connected = opts.connected ? new Set(opts.connected) : null;
    this.subs = opts.subscriptions ?? {};
  }
  now(): number {
    return this.clock;
  }
  wake(): void {
    this.woken++;
  }
  setTimer(at: number): void {
    this.timer = at;
    this.timersSet.push(at);
  }
  pauseInput(until: number): void {
    this.pauses.push(until);
  }
  isConnected(port: string): boolean {
    return this.connected ? this.connected.has(port) : port !== 'error';
  }
  subscriptions(port: string): string[] {
    return this.subs[port] ?? [];
  }
  reportLag(subscriptionPort: string, lag: number, skipped: number): void {
    this.lags.set(subscriptionPort, { lag, skipped });
  }
  deadLetter(event: SluiceEvent, error: string): void {
    this.deadLetters.push({ event, error });
  }
  countDropped(n: number): void {
    this.dropped += n;
  }
  countError(n: number): void {
    this.errors += n;
  }
  reportWatermark(wm: number): void {
    this.watermarks.push(wm);
  }
  countLate(n: number): void {
    this.late += n;
  }
  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.logs.push({ level, message });
  }
}

/** The config with the descriptor's defaults applied, as the runtime hands it over. */
export function withDefaults(descriptor: NodeDescriptor, config: Record<string, unknown>): Record<string, unknown> {
  const full: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(descriptor.config) as Array<[string, FieldSchema]>) {
    if (field.default !== undefined) full[name] = field.default;
  }
  return { ...full, ...config };
}

let autoId = 0;

/** A test event; id, key and time default to something unremarkable. */
export function ev(value: unknown, over: Partial<SluiceEvent> = {}): SluiceEvent {
  return {
    id: over.id ?? `e${autoId++}`,
    key: over.key === undefined ? 'k' : over.key,
    time: over.time ?? 0,
    value,
    emittedAt: over.emittedAt ?? 0,
  };
}

/** One operator under test with its fake context and recording emitter. */
export class Harness {
  readonly ctx: FakeContext;
  readonly out = new RecordingEmitter();
  readonly op: Operator;
  constructor(descriptor: NodeDescriptor, config: Record<string, unknown>, opts: HarnessOptions = {}) {
    this.ctx = new FakeContext(withDefaults(descriptor, config), opts);
    const op = descriptor.create(this.ctx);
    if (op.kind === 'source') throw new Error(`${descriptor.type} is a source; use SourceHarness`);
    this.op = op;
    op.open?.();
  }
  /** Feed events on `port`/`input` in order. */
  push(events: SluiceEvent | SluiceEvent[], port = 'in', input = 0): this {
    for (const e of Array.isArray(events) ? events : [events]) this.op.process(e, port, this.out, input);
    return this;
  }
  /** Move the clock forward, firing the pending timer if it came due. */
  advance(ms: number): this {
    this.ctx.clock += ms;
    const t = this.ctx.timer;
    if (t !== null && t <= this.ctx.clock) {
      this.ctx.timer = null;
      this.op.onTimer?.(this.ctx.clock, this.out);
    }
    return this;
  }
  /** A watermark signal on `input` (idle: the input went quiet); returns what the operator forwards. */
  watermark(wm: number, input = 0, idle = false): number | undefined {
    return this.op.onWatermark?.(wm, input, idle, this.out);
  }
  end(): this {
    this.op.onEnd?.(this.out);
    return this;
  }
}

/** A source under test: poll it like the runtime does. */
export class SourceHarness {
  readonly ctx: FakeContext;
  readonly out = new RecordingEmitter();
  readonly op: SourceOperator;
  constructor(descriptor: NodeDescriptor, config: Record<string, unknown>, opts: HarnessOptions = {}) {
    this.ctx = new FakeContext(withDefaults(descriptor, config), opts);
    const op = descriptor.create(this.ctx);
    if (op.kind !== 'source') throw new Error(`${descriptor.type} is not a source`);
    this.op = op;
  }
  open(): this {
    this.op.open?.();
    return this;
  }
  poll(budget = 1000): PollResult {
    return this.op.poll(budget, this.out);
  }
  /** Poll until 'end' (or `maxPolls`), returning the last result. */
  drain(budget = 1000, maxPolls = 10_000): PollResult {
    let r: PollResult = 'more';
    for (let i = 0; i < maxPolls && r === 'more'; i++) r = this.poll(budget);
    return r;
  }
  advance(ms: number): this {
    this.ctx.clock += ms;
    const t = this.ctx.timer;
    if (t !== null && t <= this.ctx.clock) {
      this.ctx.timer = null;
      this.op.onTimer?.(this.ctx.clock, this.out);
    }
    return this;
  }
}
