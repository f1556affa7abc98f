import { createHash } from 'node:crypto';
import type { KV, NatsConnection, ObjectStore } from 'nats';
import type { SnapshotInput } from '../store/StateStore.js';
import { checkGroupName, keys, stateBucket } from './groupNames.js';
import { decodeRecord, encodeRecord, isCasConflict } from './groupRecords.js';

/** One operator instance's state in a partition checkpoint (the state base64-encoded). */
export interface StoredSnapshot {
  operatorId: string;
  instance: number;
  nodeId: string;
  type: string;
  configHash: string;
  state: string;
}

/**
 * A connector sink's record that the checkpoint staged and its platform had not confirmed yet
 * (the local `outbox` table's row): the next owner sends it, under the same seq, so a sink that
 * deduplicates by (sink, store, seq) or by record id keeps it exactly once.
 */
export interface OutboxRow {
  seq: number;
  sinkId: string;
  checkpointId: number;
  id: string;
  key: string | null;
  time: number;
  payload: string;
  subject: string | null;
}

/** The sinks' side of a partition checkpoint: what is still to send, and where seqs continue. */
export interface PartitionOutbox {
  rows: OutboxRow[];
  /** The highest outbox seq the writer had assigned: the next owner's seqs continue after it. */
  lastSeq: number;
}

/** A partition's checkpoint as any member can restore it. */
export interface PartitionCheckpoint {
  partition: number;
  /** The lease epoch it was written under. */
  epoch: number;
  checkpointId: number;
  startedAt: number;
  writtenAt: number;
  /** Member id of the writer. */
  writer: string;
  /**
   * The partition's position in its input stream (the last sequence the checkpoint covers),
   * for lag and for people; the source's own snapshot holds it too.
   */
  sourceSequence: number | null;
  /** The partition's input ended and this is its final checkpoint: there is nothing left to run. */
  ended: boolean;
  snapshots: SnapshotInput[];
  outbox: PartitionOutbox;
}

/** What a member hands `write`: one completed checkpoint of the partition. */
export interface CheckpointToStore {
  checkpointId: number;
  startedAt: number;
  sourceSequence: number | null;
  /** The run's last checkpoint after its input ended. */
  ended?: boolean;
  snapshots: readonly SnapshotInput[];
  outbox?: PartitionOutbox;
}

/**
 * A write under an epoch that a newer owner has fenced. The member lost the partition: it
 * stops it and commits nothing more.
 */
export class StaleEpochError extends Error {
  constructor(
    readonly partition: number,
    readonly epoch: number,
    readonly current: number,
  ) {
    super(
      `partition ${partition}: epoch ${epoch} is stale (the partition is at epoch ${current} now), so this write is refused`,
    );
    this.name = 'StaleEpochError';
  }
}

/** The KV record under `partition.<p>`: the fence (epoch) and the latest checkpoint, inline or by reference. */
interface StateRecord {
  epoch: number;
  fencedBy: string;
  checkpoint: (Omit<PartitionCheckpoint, 'snapshots' | 'outbox'> & StoredBody) | null;
}

/** What a checkpoint carries besides its head. */
interface Body {
  snapshots: StoredSnapshot[];
  outbox?: PartitionOutbox;
}

/** The body inline (small), or in the object store under `object` (checked by sha256). */
type StoredBody = Body | { object: string; bytes: number; sha256: string };

/** Checkpoints above this size go to the object store (KV values must fit in one message). */
const INLINE_LIMIT = 256 * 1024;

/**
 * Each partition's latest checkpoint, in JetStream (issue 15 item 3), where every member of the
 * group can restore it; the member's SQLite store stays its local cache.
 *
 * Fencing, by compare-and-swap on one KV key per partition:
 * 1. `claim(p, epoch)` — a member that has just won the lease reads the key and rewrites it
 *    with its epoch (CAS on the revision it read). A key already at a higher epoch refuses.
 * 2. From then on every `write` is a CAS on the revision the holder last wrote. A stale owner
 *    (paused past its lease, cut off) still holds an older revision: its write fails, and on
 *    re-reading it finds the higher epoch — `StaleEpochError`. Nothing it writes after the new
 *    owner's claim can land.
 * A checkpoint larger than INLINE_LIMIT goes to the object store first, under a name that
 * holds the epoch and id; the KV swap is still the one commit point, so a refused writer's
 * object is an orphan that the next owner's writes delete.
 */
export class PartitionCheckpoints {
  private constructor(
    private readonly kv: KV,
    private readonly os: ObjectStore,
    private readonly writer: string,
  ) {}

  static async open(
    nc: NatsConnection,
    group: string,
    writer: string,
    o: { replicas?: number } = {},
  ): Promise<PartitionCheckpoints> {
    checkGroupName(group);
    const js = nc.jetstream();
    const kv = await js.views.kv(stateBucket(group), { history: 1, replicas: o.replicas ?? 1 });
    const os = await js.views.os(stateBucket(group), { replicas: o.replicas ?? 1 });
    return new PartitionCheckpoints(kv, os, writer);
  }

  /**
   * Step 1: fence partition `p` at `epoch` and return its latest checkpoint (null: none yet).
   * Throws StaleEpochError if the partition is already at a higher epoch.
   */
  async claim(p: number, epoch: number): Promise<FencedPartition> {
    for (let attempt = 0; ; attempt++) {
      const e = await this.kv.get(keys.checkpoint(p));
      const stored = e && e.operation === 'PUT' ? (decodeRecord(e.value) as StateRecord | null) : null;
      if (stored && stored.epoch > epoch) throw new StaleEpochError(p, epoch, stored.epoch);
      const record: StateRecord = { epoch, fencedBy: this.writer, checkpoint: stored?.checkpoint ?? null };
      try {
        const revision = e
          ? await this.kv.update(keys.checkpoint(p), encodeRecord(record), e.revision)
          : await this.kv.create(keys.checkpoint(p), encodeRecord(record));
        const restored = record.checkpoint ? await this.load(record.checkpoint) : null;
        return new FencedPartition(this, p, epoch, revision, restored, record.checkpoint);
      } catch (err) {
        // The stale owner wrote between our read and our swap: read again (its write is
        // the latest state, under its older epoch) and fence on top of it.
        if (!isCasConflict(err) || attempt >= 5) throw err;
      }
    }
  }

  /** The latest checkpoint of `p` without fencing (`sluice group`, tests). */
  async peek(p: number): Promise<{ epoch: number; checkpoint: PartitionCheckpoint | null } | null> {
    const e = await this.kv.get(keys.checkpoint(p));
    if (!e || e.operation !== 'PUT') return null;
    const stored = decodeRecord(e.value) as StateRecord | null;
    if (!stored) return null;
    return { epoch: stored.epoch, checkpoint: stored.checkpoint ? await this.load(stored.checkpoint) : null };
  }

  /** @internal Step 2, for FencedPartition. */
  async swap(
    p: number,
    epoch: number,
    revision: number,
    cp: CheckpointToStore,
    previous: StateRecord['checkpoint'],
  ): Promise<{ revision: number; record: StateRecord['checkpoint'] }> {
    const full: Body = { snapshots: cp.snapshots.map(storeSnapshot), ...(cp.outbox ? { outbox: cp.outbox } : {}) };
    const head = {
      partition: p,
      epoch,
      checkpointId: cp.checkpointId,
      startedAt: cp.startedAt,
      writtenAt: Date.now(),
      writer: this.writer,
      sourceSequence: cp.sourceSequence,
      ended: cp.ended ?? false,
    };
    const inline = JSON.stringify(full);
    let body: StoredBody;
    if (inline.length <= INLINE_LIMIT) body = full;
    else {
      const data = new TextEncoder().encode(inline);
      const object = `partition.${p}.epoch.${epoch}.checkpoint.${cp.checkpointId}`;
      await this.os.putBlob({ name: object }, data);
      body = { object, bytes: data.byteLength, sha256: sha256(data) };
    }
    const checkpoint = { ...head, ...body };
    const record: StateRecord = { epoch, fencedBy: this.writer, checkpoint };
    try {
      const next = await this.kv.update(keys.checkpoint(p), encodeRecord(record), revision);
      if (previous && 'object' in previous && previous.object !== ('object' in body ? body.object : ''))
        await this.os.delete(previous.object).catch(() => undefined);
      return { revision: next, record: checkpoint };
    } catch (err) {
      if ('object' in body) await this.os.delete(body.object).catch(() => undefined);
      if (!isCasConflict(err)) throw err;
      const e = await this.kv.get(keys.checkpoint(p));
      const now = e ? (decodeRecord(e.value) as StateRecord | null) : null;
      throw new StaleEpochError(p, epoch, now?.epoch ?? epoch);
    }
  }

  private async load(c: NonNullable<StateRecord['checkpoint']>): Promise<PartitionCheckpoint> {
    let full: Body;
    if ('snapshots' in c) full = c;
    else {
      const data = await this.os.getBlob(c.object);
      if (!data || sha256(data) !== c.sha256)
        throw new Error(
          `partition ${c.partition}: checkpoint ${c.checkpointId} in the object store is ${data ? 'damaged (checksum differs)' : 'missing'}`,
        );
      full = JSON.parse(new TextDecoder().decode(data)) as Body;
    }
    const { partition, epoch, checkpointId, startedAt, writtenAt, writer, sourceSequence, ended } = c;
    return {
      partition,
      epoch,
      checkpointId,
      startedAt,
      writtenAt,
      writer,
      sourceSequence,
      ended: ended ?? false,
      snapshots: full.snapshots.map(loadSnapshot),
      outbox: full.outbox ?? { rows: [], lastSeq: 0 },
    };
  }
}

/**
 * A partition this member has claimed at `epoch`: `restored` is where it resumes from, `write`
 * stores each new checkpoint, fenced.
 */
export class FencedPartition {
  private stale: StaleEpochError | null = null;

  constructor(
    private readonly store: PartitionCheckpoints,
    readonly partition: number,
    readonly epoch: number,
    private revision: number,
    /** The checkpoint to resume from, or null for a partition that has none yet. */
    readonly restored: PartitionCheckpoint | null,
    private latest: StateRecord['checkpoint'],
  ) {}

  /**
   * Store a completed checkpoint. Throws StaleEpochError once a newer owner has claimed the
   * partition; after that every write refuses at once.
   */
  async write(cp: CheckpointToStore): Promise<void> {
    if (this.stale) throw this.stale;
    try {
      const r = await this.store.swap(this.partition, this.epoch, this.revision, cp, this.latest);
      this.revision = r.revision;
      this.latest = r.record;
    } catch (err) {
      if (err instanceof StaleEpochError) this.stale = err;
      throw err;
    }
  }
}

function storeSnapshot(s: SnapshotInput): StoredSnapshot {
  return {
    operatorId: s.operatorId,
    instance: s.instance ?? 0,
    nodeId: s.nodeId,
    type: s.type,
    configHash: s.configHash,
    state: Buffer.from(s.state).toString('base64'),
  };
}

function loadSnapshot(s: StoredSnapshot): SnapshotInput {
  return {
    operatorId: s.operatorId,
    instance: s.instance,
    nodeId: s.nodeId,
    type: s.type,
    configHash: s.configHash,
    state: new Uint8Array(Buffer.from(s.state, 'base64')),
  };
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
