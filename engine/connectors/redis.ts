import type * as RedisLib from 'redis';
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
import { redactUrl } from './redactUrl.js';

/** Entries asked for per read; a read blocks at most `BLOCK_MS` for them. */
const READ_COUNT = 1000;
const BLOCK_MS = 500;
/** Group lag is asked for at most this often. */
const LAG_EVERY_MS = 1000;

/**
 * Redis Streams (SPEC §10), with `redis` (node-redis: the client Redis itself maintains and
 * recommends for new projects; ioredis is in maintenance mode). Commands go through
 * `sendCommand` with the raw replies, which stay the same across client versions. The client's
 * own reconnect is off: `ManagedConnection` reconnects.
 */
export const redisConnector: ConnectorFactory = {
  kind: 'redis',
  openReader: (options, env) => new RedisReader(options, env),
  openWriter: (options, env) => openRedisWriter(options, env),
};

type Client = ReturnType<typeof RedisLib.createClient>;
/** The client, loaded at the first connection (see nats.ts: loading every client costs). */
let loading: Promise<typeof RedisLib> | null = null;
type Reply = unknown;

async function openClient(url: string, timeoutMs: number): Promise<Client> {
  const { createClient } = await (loading ??= import('redis'));
  const client = createClient({ url, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });
  // The loop that uses the client sees the failure; without a listener it would be uncaught.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    destroyQuietly(client);
    throw classify(err);
  }
  return client;
}

function classify(err: unknown): Error {
  if (err instanceof ConnectorError) return err;
  const cause = causeOf(err);
  if (/^(WRONGPASS|NOAUTH|NOPERM)/.test(cause) || /invalid username-password/i.test(cause)) {
    return new ConnectorError(`login refused (${cause})`, true);
  }
  if (/^WRONGTYPE/.test(cause)) return new ConnectorError(`the key is not a stream (${cause})`, true);
  if (/^(ERR|NOSCRIPT|BUSYGROUP)/.test(cause)) return new ConnectorError(cause, true);
  return err instanceof Error ? err : new Error(cause);
}

const send = (c: Client, args: string[]): Promise<Reply> => c.sendCommand(args);

/** Close a client we are leaving; one that never opened throws "The client is closed". */
function destroyQuietly(c: Client): void {
  try {
    c.destroy();
  } catch {
    // nothing to close
  }
}

/** `[[stream, [[id, [field, value, …]], …]]]` → entries. */
function entriesOf(reply: Reply): Array<[string, string[]]> {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  const list = (reply[0] as [string, Array<[string, string[] | null]>])[1] ?? [];
  return list.map(([id, fields]) => [id, fields ?? []]);
}

/** A Redis source's position: the last entry id it emitted. */
interface RedisPosition {
  id: string;
}

/**
 * A Redis stream source.
 * - Without `group`: XREAD after the last entry id taken; the id is the checkpointed position,
 *   so a restored run resumes right after it: exactly once into a transactional sink.
 * - With `group`: XREADGROUP as consumer `consumer` (default: the node's instance). Its own
 *   pending entries are read first (delivered before a crash, never acknowledged), then new
 *   ones; XACK once the checkpoint covering them completes: at least once.
 * The payload is the entry's `field` (default `payload`); an entry without it becomes the JSON
 * of all its fields.
 */
class RedisReader implements BrokerReader {
  readonly ended = false;
  private readonly conn: ManagedConnection<Client>;
  private readonly buffer: MessageBuffer;
  private readonly stream: string;
  private readonly group: string | undefined;
  private readonly consumer: string;
  private readonly field: string;
  /** Last id taken (the position) and received (where a reconnect continues). */
  private takenId: string;
  private receivedId: string;
  /** Group mode: ids taken since the last mark, and per checkpoint the ids it covers. */
  private unmarked: string[] = [];
  private readonly toAck = new Map<number, { ids: string[]; position: string }>();
  /** The position of the last checkpoint acknowledged: entries up to it are done. */
  private ackedUpTo = '';
  private acking = new Set<Promise<unknown>>();
  private lag: number | null = null;
  private session = 0;
  /** The position restored from the checkpoint: group entries up to it are covered by it. */
  private readonly restoredId: string;
  /** Group: ids to XACK that a lost connection kept from being acknowledged. */
  private ackLater: string[] = [];

  constructor(
    private readonly o: BrokerReaderOptions,
    env: ConnectorEnv,
  ) {
    const url = textOf(o.config, 'url') ?? 'redis://127.0.0.1:6379';
    this.stream = textOf(o.config, 'stream') ?? '';
    this.group = textOf(o.config, 'group');
    this.consumer = textOf(o.config, 'consumer') ?? `sluice-${env.sinkId}`;
    this.field = textOf(o.config, 'field') ?? 'payload';
    const resumed = (o.resumeFrom as RedisPosition | null)?.id;
    this.takenId = this.receivedId = typeof resumed === 'string' ? resumed : '';
    this.restoredId = this.takenId;
    this.buffer = new MessageBuffer(o.onReadable);
    const timeout = startTimeoutOf(o.config);
    this.conn = new ManagedConnection<Client>({
      where: `Redis at ${redactUrl(url)}`,
      startTimeoutMs: timeout,
      open: async () => {
        const c = await openClient(url, Math.min(timeout, 10_000));
        try {
          await this.prepare(c);
        } catch (err) {
          destroyQuietly(c);
          throw classify(err);
        }
        return c;
      },
      shut: (c) => destroyQuietly(c),
      up: (c) => void this.read(c),
      changed: () => o.onReadable(),
    });
    this.conn.start();
  }

  /** Group: create it if missing. No group, first start: fix where `deliver` starts. */
  private async prepare(c: Client): Promise<void> {
    const type = await send(c, ['TYPE', this.stream]);
    if (type !== 'stream' && type !== 'none') {
      throw new ConnectorError(`key “${this.stream}” is a ${String(type)}, not a stream`, true);
    }
    const fromNew = this.o.config.deliver === 'new';
    if (this.group) {
      try {
        await send(c, ['XGROUP', 'CREATE', this.stream, this.group, fromNew ? '$' : '0', 'MKSTREAM']);
      } catch (err) {
        if (!/BUSYGROUP/.test(causeOf(err))) throw err;
      }
      return;
    }
    if (this.receivedId !== '') return;
    if (!fromNew) {
      this.receivedId = this.takenId = '0';
      return;
    }
    const last = (await send(c, ['XREVRANGE', this.stream, '+', '-', 'COUNT', '1'])) as Array<[string]> | null;
    this.receivedId = this.takenId = last && last.length > 0 ? last[0]![0] : '0';
  }

  private async read(c: Client): Promise<void> {
    const session = ++this.session;
    const live = (): boolean => session === this.session && this.conn.session === c;
    // Group: first this consumer's own pending entries (from id 0), then new ones ('>').
    let pendingFirst = this.group !== undefined;
    let pendingAfter = '0';
    let lagAt = 0;
    try {
      while (live()) {
        await this.buffer.room();
        if (!live()) break;
        const count = String(Math.min(READ_COUNT, this.buffer.highWater - this.buffer.size));
        let reply: Reply;
        if (this.group) {
          const from = pendingFirst ? pendingAfter : '>';
          const block = pendingFirst ? [] : ['BLOCK', String(BLOCK_MS)];
          reply = await send(c, [
            'XREADGROUP',
            'GROUP',
            this.group,
            this.consumer,
            'COUNT',
            count,
            ...block,
            'STREAMS',
            this.stream,
            from,
          ]);
        } else {
          reply = await send(c, [
            'XREAD',
            'COUNT',
            count,
            'BLOCK',
            String(BLOCK_MS),
            'STREAMS',
            this.stream,
            this.receivedId,
          ]);
        }
        if (!live()) break;
        const entries = entriesOf(reply);
        if (pendingFirst) {
          if (entries.length === 0) pendingFirst = false;
          else pendingAfter = entries[entries.length - 1]![0];
        }
        for (const [id, fields] of entries) this.received(id, fields);
        if (this.group && Date.now() - lagAt > LAG_EVERY_MS) {
          lagAt = Date.now();
          this.lag = await this.groupLag(c);
        }
      }
    } catch (err) {
      if (live()) this.conn.lost(classify(err));
    }
  }

  private async groupLag(c: Client): Promise<number | null> {
    const groups = (await send(c, ['XINFO', 'GROUPS', this.stream])) as unknown[][];
    for (const g of groups) {
      const info = new Map<string, unknown>();
      for (let i = 0; i + 1 < g.length; i += 2) info.set(String(g[i]), g[i + 1]);
      if (info.get('name') === this.group) {
        const lag = info.get('lag');
        return typeof lag === 'number' ? lag + this.buffer.size : null;
      }
    }
    return null;
  }

  private received(id: string, fields: string[]): void {
    if (this.receivedId !== '' && compareIds(id, this.receivedId) <= 0) {
      // Group: a pending entry this run has already received (redelivered after a reconnect)
      // is acknowledged with its checkpoint; one the restored checkpoint covers (its XACK was
      // lost in a crash) is acknowledged now, not emitted twice.
      if (this.group && this.covered(id)) this.ackLater.push(id);
      return;
    }
    this.receivedId = id;
    const map: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) map[fields[i]!] = fields[i + 1]!;
    const payload = map[this.field] ?? JSON.stringify(map);
    this.buffer.push({
      id: `${this.stream}:${id}`,
      payload,
      subject: this.stream,
      headers: map,
      time: Number(id.slice(0, id.indexOf('-'))),
    });
  }

  /** A completed checkpoint covers entry `id` (restored, or acknowledged in this run). */
  private covered(id: string): boolean {
    return (
      (this.restoredId !== '' && compareIds(id, this.restoredId) <= 0) ||
      (this.ackedUpTo !== '' && compareIds(id, this.ackedUpTo) <= 0)
    );
  }

  take(max: number): BrokerMessage[] {
    const out = this.buffer.take(max);
    if (out.length > 0) {
      const prefix = this.stream.length + 1;
      this.takenId = out[out.length - 1]!.id.slice(prefix);
      if (this.group) for (const m of out) this.unmarked.push(m.id.slice(prefix));
    }
    return out;
  }

  mark(checkpointId: number): unknown {
    if (this.group) {
      this.toAck.set(checkpointId, { ids: this.unmarked, position: this.takenId });
      this.unmarked = [];
    }
    return { id: this.takenId } satisfies RedisPosition;
  }

  /** Group: XACK what checkpoints up to `checkpointId` cover (best effort: unacked ones are redelivered). */
  acknowledge(checkpointId: number): void {
    if (!this.group) return;
    const c = this.conn.session;
    const ids: string[] = [];
    for (const [n, { ids: list, position }] of this.toAck) {
      if (n > checkpointId) continue;
      ids.push(...list);
      if (position !== '') this.ackedUpTo = position;
      this.toAck.delete(n);
    }
    this.ackLater.push(...ids);
    if (this.ackLater.length === 0 || c === null) return;
    const all = this.ackLater;
    this.ackLater = [];
    for (let i = 0; i < all.length; i += 1000) {
      const part = all.slice(i, i + 1000);
      // Kept for the next acknowledgement if the connection is lost meanwhile.
      const p = send(c, ['XACK', this.stream, this.group, ...part])
        .catch(() => this.ackLater.push(...part))
        .finally(() => this.acking.delete(p));
      this.acking.add(p);
    }
  }

  async settle(timeoutMs: number): Promise<boolean> {
    if (this.acking.size === 0) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
    const done = Promise.all([...this.acking]).then(() => true);
    const ok = await Promise.race([done, timeout]);
    clearTimeout(timer);
    return ok;
  }

  status(): ConnectorStatus {
    return this.conn.status(this.lag);
  }

  close(): void {
    this.session++;
    this.conn.close();
    this.buffer.release();
  }
}

/** Entry ids `ms-seq` in stream order. */
function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = (b === '' ? '0-0' : b.includes('-') ? b : `${b}-0`).split('-').map(Number) as [number, number];
  return am !== bm ? am - bm : (as ?? 0) - (bs ?? 0);
}

/**
 * Adds the records after this sink's commit record and moves the record, atomically (a script
 * runs alone): exactly once by outbox seq, without a set of ids that would grow forever.
 * KEYS: stream, commits hash. ARGV: commit field, maxLen (0: none), then per record
 * seq, id, key ('' for none), payload.
 */
const XADD_ONCE = `
local done = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local maxlen = tonumber(ARGV[2])
local last = done
for i = 3, #ARGV, 4 do
  local seq = tonumber(ARGV[i])
  if seq > done then
    local args = {'XADD', KEYS[1]}
    if maxlen > 0 then table.insert(args, 'MAXLEN'); table.insert(args, '~'); table.insert(args, maxlen) end
    table.insert(args, '*')
    table.insert(args, 'payload'); table.insert(args, ARGV[i + 3])
    table.insert(args, 'id'); table.insert(args, ARGV[i + 1])
    if ARGV[i + 2] ~= '' then table.insert(args, 'key'); table.insert(args, ARGV[i + 2]) end
    redis.call(unpack(args))
    if seq > last then last = seq end
  end
end
redis.call('HSET', KEYS[2], ARGV[1], last)
return last
`;

/**
 * A Redis stream sink: entries `payload`, `id` (the event id), `key`, added when the checkpoint
 * covering them completes, by a script that skips what this sink's commit record (hash
 * `<stream>:sluice-commits`, field sink id + store id) says is in. `maxLen`: approximate trim.
 */
function openRedisWriter(o: BrokerWriterOptions, env: ConnectorEnv): BrokerWriter {
  const url = textOf(o.config, 'url') ?? 'redis://127.0.0.1:6379';
  const stream = textOf(o.config, 'stream') ?? '';
  const maxLen = Math.max(0, Math.floor(numberOf(o.config, 'maxLen', 0)));
  const timeout = startTimeoutOf(o.config);
  const commits = `${stream}:sluice-commits`;
  let sha: string | null = null;
  return new OutboxWriter<Client>(
    {
      where: `Redis at ${redactUrl(url)}`,
      startTimeoutMs: timeout,
      open: async () => {
        const c = await openClient(url, Math.min(timeout, 10_000));
        try {
          const type = await send(c, ['TYPE', stream]);
          if (type !== 'stream' && type !== 'none') {
            throw new ConnectorError(`key “${stream}” is a ${String(type)}, not a stream`, true);
          }
          sha = String(await send(c, ['SCRIPT', 'LOAD', XADD_ONCE]));
        } catch (err) {
          destroyQuietly(c);
          throw classify(err);
        }
        return c;
      },
      shut: (c) => destroyQuietly(c),
      changed: () => {},
    },
    env.outbox(),
    {
      batchSize: 500,
      async send(c, batch) {
        const args: string[] = [`${env.sinkId}:${env.storeId}`, String(maxLen)];
        for (const r of batch) args.push(String(r.seq), r.id, r.key ?? '', r.payload);
        try {
          await send(c, ['EVALSHA', sha!, '2', stream, commits, ...args]);
        } catch (err) {
          if (/NOSCRIPT/.test(causeOf(err))) {
            await send(c, ['EVAL', XADD_ONCE, '2', stream, commits, ...args]);
            return;
          }
          throw classify(err);
        }
      },
    },
  );
}
