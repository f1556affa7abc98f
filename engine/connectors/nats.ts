import type * as NatsLib from 'nats';
import type {
  ConnectionOptions,
  Consumer,
  ConsumerConfig,
  DeliverPolicy,
  JetStreamClient,
  JetStreamManager,
  JsMsg,
  NatsConnection,
} from 'nats';
import type {
  BrokerMessage,
  BrokerReader,
  BrokerReaderOptions,
  BrokerWriter,
  BrokerWriterOptions,
  ConnectorStatus,
} from '../contract/connector.js';
import type { ConnectorEnv, ConnectorFactory } from './ConnectorFactory.js';
import { causeOf, ConnectorError } from './ConnectorError.js';
import { numberOf, startTimeoutOf, textOf } from './connectorConfig.js';
import { ManagedConnection } from './ManagedConnection.js';
import { MessageBuffer } from './MessageBuffer.js';
import { OutboxWriter } from './OutboxWriter.js';
import type { OutboxRecord } from './Outbox.js';
import { redactUrl } from './redactUrl.js';
import { CONTRACT_HEADER } from '../contracts/common/writtenContract.js';

/** Messages asked for per pull; a pull waits at most `FETCH_EXPIRES_MS` for them. */
const FETCH_BATCH = 4096;
const FETCH_EXPIRES_MS = 1000;
/**
 * A pull that has not ended this long after its `expires` counts as a lost connection (the
 * reader reconnects and resumes after the last sequence received): suspected of leaving a
 * reader stuck while its stream grew, on a loaded machine (docs/SCALING.md, "Not done yet").
 */
const FETCH_STALL_MS = 10 * FETCH_EXPIRES_MS;
/** A consumer left behind by a reader that went away (crash, lost connection) is deleted after this. */
const CONSUMER_INACTIVE_MS = 60_000;

/**
 * NATS JetStream (SPEC §10), with the `nats` client (v2, the NATS maintainers' own, pure JS,
 * typed). The client's own reconnect is off: `ManagedConnection` reconnects, and the reader
 * resumes from the last sequence it received, so nothing is skipped or read twice.
 */
export const natsConnector: ConnectorFactory = {
  kind: 'nats',
  openReader: (options, env) => new NatsReader(options, env),
  openWriter: (options, env) => openNatsWriter(options, env),
  probe: async (url, timeoutMs) => {
    const s = await openSession(url, timeoutMs);
    await s.nc.close().catch(() => {});
  },
};

interface NatsSession {
  nc: NatsConnection;
  jsm: JetStreamManager;
  js: JetStreamClient;
}

/**
 * The client, loaded when the first NATS connection opens: every worker thread loads the
 * connector registry, and the three platform clients together take 0.5-1 s to load.
 */
let lib: typeof NatsLib | null = null;
let loading: Promise<typeof NatsLib> | null = null;
async function loadNats(): Promise<typeof NatsLib> {
  lib ??= await (loading ??= import('nats'));
  return lib;
}
/** The loaded client (only called after a session opened). */
const N = (): typeof NatsLib => lib!;

/** `nats://user:pass@host:4222,host2:4222` → client options (credentials apart from the servers). */
export function natsOptions(url: string, timeoutMs: number): ConnectionOptions {
  const servers: string[] = [];
  let user: string | undefined;
  let pass: string | undefined;
  let token: string | undefined;
  for (const part of url.split(',')) {
    const withScheme = part.includes('://') ? part : `nats://${part}`;
    try {
      const u = new URL(withScheme);
      if (u.username && u.password) {
        user = decodeURIComponent(u.username);
        pass = decodeURIComponent(u.password);
      } else if (u.username) token = decodeURIComponent(u.username);
      servers.push(`${u.hostname}:${u.port || '4222'}`);
    } catch {
      throw new ConnectorError(`“${redactUrl(part)}” is not a NATS URL (nats://host:4222)`, true);
    }
  }
  return {
    servers,
    reconnect: false,
    timeout: timeoutMs,
    ...(user !== undefined ? { user, pass: pass ?? '' } : {}),
    ...(token !== undefined ? { token } : {}),
  };
}

async function openSession(url: string, timeoutMs: number): Promise<NatsSession> {
  let nc: NatsConnection;
  try {
    const { connect } = await loadNats();
    nc = await connect(natsOptions(url, timeoutMs));
  } catch (err) {
    throw classify(err);
  }
  try {
    const jsm = await nc.jetstreamManager();
    return { nc, jsm, js: nc.jetstream() };
  } catch (err) {
    await nc.close().catch(() => {});
    throw classify(err, 'JetStream');
  }
}

/** What the client's errors mean: refused logins and missing JetStream are permanent. */
function classify(err: unknown, what = 'connect'): Error {
  if (err instanceof ConnectorError) return err;
  const code = (err as { code?: unknown }).code;
  const cause = causeOf(err);
  if (code === 'AUTHORIZATION_VIOLATION' || code === 'BAD_AUTHENTICATION' || /authorization/i.test(cause)) {
    return new ConnectorError(`login refused (${cause})`, true);
  }
  if (code === '503' && what === 'JetStream')
    return new ConnectorError('JetStream is not enabled on this server', true);
  if (code === 'CONNECTION_REFUSED') return new Error('connection refused');
  return err instanceof Error ? err : new Error(cause);
}

function isNotFound(err: unknown): boolean {
  const api = (err as { api_error?: { err_code?: number } }).api_error;
  return api?.err_code === 10059 || /stream not found/i.test(causeOf(err));
}

/** The position a NATS source checkpoints: the last stream sequence it emitted. */
interface NatsPosition {
  seq: number;
}

/**
 * A JetStream source: an ordered consumer (ephemeral, flow controlled, no acks: the position
 * is the sequence, kept in the checkpoint) pulled in batches while the buffer has room.
 * Exactly-once into a transactional sink: recovery resumes after the checkpointed sequence.
 */
class NatsReader implements BrokerReader {
  readonly ended = false;
  private readonly conn: ManagedConnection<NatsSession>;
  private readonly buffer: MessageBuffer;
  private readonly stream: string;
  /** Last sequence taken by the source (goes into the snapshot), and last received. */
  private takenSeq: number;
  private receivedSeq: number;
  /** The broker's count of messages after the last one received. */
  private pending: number | null = null;
  /** Where a first start begins, fixed at the first session so a reconnect does not move it. */
  private start: { policy: DeliverPolicy; seq?: number; time?: string } | null = null;
  private session = 0;
  /** The current consumer's delivery sequence of the last message received (0: none yet). */
  private delivered = 0;

  constructor(
    private readonly o: BrokerReaderOptions,
    env: ConnectorEnv,
  ) {
    const url = textOf(o.config, 'url') ?? 'nats://127.0.0.1:4222';
    this.stream = textOf(o.config, 'stream') ?? '';
    const resumed = (o.resumeFrom as NatsPosition | null)?.seq;
    this.takenSeq = this.receivedSeq = typeof resumed === 'number' ? resumed : 0;
    this.buffer = new MessageBuffer(o.onReadable);
    const timeout = startTimeoutOf(o.config);
    this.conn = new ManagedConnection<NatsSession>({
      where: `NATS at ${redactUrl(url)}`,
      startTimeoutMs: timeout,
      open: async () => {
        const s = await openSession(url, Math.min(timeout, 10_000));
        try {
          // A broker-backed topic's reader (engine/graph/brokerTopics.ts) may start before any
          // publisher: it creates the stream the publishers will find.
          const create = textOf(o.config, 'createStream');
          if (create) await ensureStream(s, this.stream, create);
          await this.checkStream(s);
        } catch (err) {
          await s.nc.close().catch(() => {});
          throw err;
        }
        return s;
      },
      shut: (s) => s.nc.close(),
      up: (s) => void this.read(s),
      changed: () => o.onReadable(),
    });
    void env;
    this.conn.start();
  }

  /** The stream must exist (an unknown one is a permanent failure); fix a first start's position. */
  private async checkStream(s: NatsSession): Promise<void> {
    let last = 0;
    try {
      last = (await s.jsm.streams.info(this.stream)).state.last_seq;
    } catch (err) {
      if (isNotFound(err)) throw new ConnectorError(`stream “${this.stream}” does not exist`, true);
      throw err;
    }
    if (this.start !== null || this.receivedSeq > 0) return;
    const c = this.o.config;
    const deliver = textOf(c, 'deliver') ?? 'all';
    if (deliver === 'new') this.start = { policy: N().DeliverPolicy.StartSequence, seq: last + 1 };
    else if (deliver === 'from-sequence')
      this.start = { policy: N().DeliverPolicy.StartSequence, seq: Math.max(1, numberOf(c, 'startSequence', 1)) };
    else if (deliver === 'from-time') {
      const t = c.startTime;
      const ms = typeof t === 'number' ? t : Date.parse(String(t ?? ''));
      this.start = { policy: N().DeliverPolicy.StartTime, time: new Date(Number.isFinite(ms) ? ms : 0).toISOString() };
    } else this.start = { policy: N().DeliverPolicy.All };
  }

  /**
   * An ephemeral pull consumer without acks (the position is the sequence in the checkpoint),
   * removed by the server after `inactive_threshold` once this reader is gone. (The client's
   * "ordered consumer" never answered a fetch on server 2.9.)
   */
  private consumerOptions(): Partial<ConsumerConfig> {
    const filter = textOf(this.o.config, 'subject');
    const base: Partial<ConsumerConfig> = {
      ack_policy: N().AckPolicy.None,
      inactive_threshold: N().nanos(CONSUMER_INACTIVE_MS),
      mem_storage: true,
      ...(filter ? { filter_subject: filter } : {}),
    };
    if (this.receivedSeq > 0) {
      return { ...base, deliver_policy: N().DeliverPolicy.StartSequence, opt_start_seq: this.receivedSeq + 1 };
    }
    const s = this.start ?? { policy: N().DeliverPolicy.All };
    if (s.policy === N().DeliverPolicy.StartSequence)
      return { ...base, deliver_policy: s.policy, opt_start_seq: s.seq! };
    if (s.policy === N().DeliverPolicy.StartTime) return { ...base, deliver_policy: s.policy, opt_start_time: s.time! };
    return { ...base, deliver_policy: N().DeliverPolicy.All };
  }

  /**
   * Pull batches while the session lasts and the buffer has room. The consumer has no acks, so
   * the server counts a message as delivered once it sends it to a pull: a pull the client has
   * already closed (its own timer ends it after `expires`, late on a loaded machine) loses
   * what the server sends it, and the consumer moves on. So the reader checks the consumer's
   * delivery sequence: a jump at the next message, or (at the end of the stream, where no next
   * message shows it) a consumer that delivered more than the reader received, means messages
   * were lost on the way; the reader then starts a new consumer after the last sequence
   * received, and reads them again.
   */
  private async read(s: NatsSession): Promise<void> {
    const session = ++this.session;
    const closed = s.nc.closed().then((err) => {
      if (session === this.session) this.conn.lost(err ?? new Error('the connection closed'));
    });
    void closed;
    const live = (): boolean => session === this.session && this.conn.session === s;
    try {
      while (live()) {
        let consumer: Consumer;
        let name: string;
        try {
          name = (await s.jsm.consumers.add(this.stream, this.consumerOptions())).name;
          consumer = await s.js.consumers.get(this.stream, name);
        } catch (err) {
          if (!live()) return;
          if (isNotFound(err)) this.conn.fail(`stream “${this.stream}” does not exist`);
          else this.conn.lost(err);
          return;
        }
        this.delivered = 0;
        if (!(await this.pullFrom(consumer, live))) return;
        // Messages were lost on the way: this consumer is done with, the next one starts after
        // the last sequence received.
        void s.jsm.consumers.delete(this.stream, name).catch(() => {});
      }
    } catch (err) {
      if (live()) this.conn.lost(err);
    }
  }

  /** Pull from `consumer` until the session ends (false) or a lost delivery shows (true). */
  private async pullFrom(consumer: Consumer, live: () => boolean): Promise<boolean> {
    while (live()) {
      await this.buffer.room();
      if (!live()) break;
      const batch = await consumer.fetch({ max_messages: FETCH_BATCH, expires: FETCH_EXPIRES_MS });
      // A new session's consumer starts after the last sequence received: nothing is skipped.
      const watchdog = setTimeout(() => {
        if (live()) this.conn.lost(new Error('a JetStream pull never ended'));
      }, FETCH_STALL_MS);
      let got = 0;
      let gap = false;
      try {
        for await (const m of batch) {
          if (!this.received(m)) {
            gap = true;
            break;
          }
          got++;
        }
      } finally {
        clearTimeout(watchdog);
      }
      if (gap) {
        void batch.close().catch(() => undefined);
        return true;
      }
      // A short pull (it expired, or the stream ran out): has the consumer delivered more? Its
      // pending count is the lag's truth then: the count a message carries is taken when it
      // is delivered, and one delivered while its stream was still being written can stay above
      // zero after the rest has come (4 of 600 seen, with every message received).
      if (got < FETCH_BATCH && live()) {
        const info = await consumer.info(false);
        if (!live()) break;
        this.pending = info.num_pending;
        if (info.delivered.consumer_seq > this.delivered) return true;
      }
    }
    return false;
  }

  /** Buffer one message; false when its delivery sequence shows that earlier ones were lost. */
  private received(m: JsMsg): boolean {
    const delivery = m.info.deliverySequence;
    if (delivery > this.delivered + 1) return false;
    if (delivery <= this.delivered) return true;
    this.delivered = delivery;
    const seq = m.info.streamSequence;
    if (seq <= this.receivedSeq) return true;
    this.receivedSeq = seq;
    this.pending = m.info.pending;
    const h: Record<string, string> = {};
    if (m.headers) for (const [k, v] of m.headers) h[k] = v.join(',');
    const msg: BrokerMessage = {
      id: `${this.stream}:${seq}`,
      payload: m.string(),
      subject: m.subject,
      headers: h,
      time: Math.floor(m.info.timestampNanos / 1e6),
    };
    this.buffer.push(msg);
    return true;
  }

  take(max: number): BrokerMessage[] {
    const out = this.buffer.take(max);
    if (out.length > 0) this.takenSeq = Number(out[out.length - 1]!.id.slice(this.stream.length + 1));
    return out;
  }

  mark(): unknown {
    return { seq: this.takenSeq } satisfies NatsPosition;
  }

  /** Nothing to acknowledge: the sequence in the checkpoint is the position. */
  acknowledge(): void {}

  status(): ConnectorStatus {
    return this.conn.status(this.pending === null ? null : this.pending + this.buffer.size);
  }

  close(): void {
    this.session++;
    this.conn.close();
    this.buffer.release();
  }
}

/**
 * A JetStream sink: the outbox sends what completed checkpoints cover, each message with
 * `Nats-Msg-Id` = the event id, so a resend after a crash within the stream's duplicate window
 * (2 minutes by default) is dropped by the server. `stream`: created if missing, capturing
 * `subject` (`${key}` → `*`).
 */
function openNatsWriter(o: BrokerWriterOptions, env: ConnectorEnv): BrokerWriter {
  const url = textOf(o.config, 'url') ?? 'nats://127.0.0.1:4222';
  const subject = textOf(o.config, 'subject') ?? '';
  const stream = textOf(o.config, 'stream');
  const timeout = startTimeoutOf(o.config);
  // The sink's contract on every message, so validate can tell what the stream holds.
  const contract = textOf(o.config, 'contract');
  const encoder = new TextEncoder();
  return new OutboxWriter<NatsSession>(
    {
      where: `NATS at ${redactUrl(url)}`,
      startTimeoutMs: timeout,
      open: async () => {
        const s = await openSession(url, Math.min(timeout, 10_000));
        try {
          if (stream) await ensureStream(s, stream, subject);
        } catch (err) {
          await s.nc.close().catch(() => {});
          throw err;
        }
        return s;
      },
      shut: (s) => s.nc.close(),
      changed: () => {},
    },
    env.outbox(),
    {
      batchSize: 1000,
      async send(s: NatsSession, batch: readonly OutboxRecord[]): Promise<void> {
        // Pipelined: every publish of the batch is in flight at once, each acked by the stream.
        const acks = batch.map((r) => {
          const h = N().headers();
          if (r.key !== null) h.set('Sluice-Key', r.key);
          if (contract !== undefined) h.set(CONTRACT_HEADER, contract);
          return s.js.publish(r.subject ?? subject, encoder.encode(r.payload), { msgID: r.id, headers: h });
        });
        const results = await Promise.allSettled(acks);
        const failed = results.find((x): x is PromiseRejectedResult => x.status === 'rejected');
        if (failed) {
          const err = failed.reason as { code?: unknown };
          if (err?.code === '503') {
            throw new ConnectorError(
              `no stream captures subject “${subject}”; set the sink's stream to have one created`,
              true,
            );
          }
          throw failed.reason;
        }
      },
    },
  );
}

/**
 * The sink's stream captures its subject: created if missing, or the subject added to an
 * existing one (several sinks may share a stream, each with its subject). Two sinks creating
 * it at once: the loser finds it and adds its subject.
 */
async function ensureStream(s: NatsSession, stream: string, subject: string): Promise<void> {
  const capture = subject.replace(/\$\{(key|partition)\}$/, '>').replace(/\$\{(key|partition)\}/g, '*');
  for (let attempt = 0; attempt < 3; attempt++) {
    let subjects: string[] | null = null;
    try {
      subjects = (await s.jsm.streams.info(stream)).config.subjects ?? [];
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    try {
      if (subjects === null) await s.jsm.streams.add({ name: stream, subjects: [capture] });
      else if (!subjects.includes(capture)) await s.jsm.streams.update(stream, { subjects: [...subjects, capture] });
      return;
    } catch (err) {
      if (/already in use|wrong last sequence/i.test(causeOf(err))) continue;
      throw new ConnectorError(`could not make stream “${stream}” capture “${capture}”: ${causeOf(err)}`, true);
    }
  }
}
