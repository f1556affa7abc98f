import { hostname } from 'node:os';
import type { KV, KvEntry, NatsConnection, QueuedIterator } from 'nats';
import { UserError } from '../contract/operator.js';
import { assignPartitions } from './assignPartitions.js';
import { checkGroupName, groupBucket, keys, newMemberId } from './groupNames.js';
import type { GroupConfig, LeaseRecord, MemberRecord, PartitionReport } from './groupRecords.js';
import { decodeRecord, encodeRecord, isCasConflict } from './groupRecords.js';

/** A partition this member holds: the epoch it holds it under. */
export interface HeldLease {
  partition: number;
  epoch: number;
}

export interface GroupMemberOptions {
  nc: NatsConnection;
  group: string;
  /** The graph's `partitions`; every member of a group must agree (the first one fixes it). */
  partitions: number;
  /** A lease not renewed for this long may be taken over (default 5000 ms). */
  leaseTtlMs?: number;
  /** Heartbeat and renewal period (default a fifth of the TTL). */
  heartbeatMs?: number;
  /** Replicas of the group's buckets on a NATS cluster (default 1). */
  replicas?: number;
  memberId?: string;
  /**
   * The member now owns `partition` under `epoch`: restore its checkpoint and start it. Runs in
   * the background (renewals go on meanwhile); a rejection gives the partition back.
   */
  onAcquired(lease: HeldLease): Promise<void>;
  /**
   * A rebalance moves `partition` elsewhere: finish it (a last checkpoint, its commits) and
   * resolve; the lease is released after that, and renewed until then.
   */
  onRevoked(lease: HeldLease): Promise<void>;
  /**
   * The lease is gone without a handover (another member holds it, or it could not be renewed
   * in time, e.g. after SIGSTOP or a network partition): stop the partition at once and commit
   * nothing more. Called once per loss.
   */
  onLost(lease: HeldLease, reason: string): void;
  log?(line: string): void;
}

interface Held {
  partition: number;
  epoch: number;
  /** Revision of the lease key as this member last wrote it: the CAS base of its next write. */
  revision: number;
  /** Monotonic ms: send time of the last successful renewal + TTL (past it, others may take over). */
  validUntil: number;
  /** The renewal is overdue (logged once per episode). */
  late?: boolean;
  phase: 'starting' | 'running' | 'revoking' | 'revoked';
}

interface Seen {
  revision: number;
  /** Server timestamp of the entry (ms). */
  created: number;
  value: unknown;
}

const mono = (): number => performance.now();

/**
 * One process's membership of a group (issue 15, SPEC §15), built on JetStream KV alone: no
 * coordinator of our own. Every `heartbeatMs` the member, in one serialized tick:
 * 1. writes its heartbeat (`member.<id>`), listing the partitions it holds;
 * 2. computes the assignment from the live members (`assignPartitions`, the same rule and, once
 *    views agree, the same answer everywhere);
 * 3. renews each lease it holds by compare-and-swap on the key's revision; a failed swap means
 *    another member took it: the partition is lost;
 * 4. hands over leases the assignment moved elsewhere: `onRevoked` (finish), then release
 *    (owner null, epoch kept);
 * 5. takes leases assigned to it that are free or expired: CAS with epoch + 1, then
 *    `onAcquired`.
 *
 * Expiry is judged on the server's clock: an entry's server timestamp against the newest one
 * this member has seen in its watch (its own heartbeats keep that fresh), so machines' clocks
 * need not agree. A holder paused past its TTL (SIGSTOP, a stall) learns of its loss from its
 * next renewal, a failed swap; the lease is only the first fence: every checkpoint is written
 * by compare-and-swap under the epoch, which a successor's claim makes fail
 * (`PartitionCheckpoints`), and sinks commit only what was written.
 */
export class GroupMember {
  readonly id: string;
  readonly leaseTtlMs: number;
  readonly heartbeatMs: number;
  private readonly view = new Map<string, Seen>();
  private readonly held = new Map<number, Held>();
  private readonly reports = new Map<number, PartitionReport>();
  private newestServerMs = 0;
  private newestSeenAt = mono();
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private tickAgain = false;
  private leaving = false;
  private closed = false;
  private readonly startedAt = Date.now();
  private watcher: QueuedIterator<KvEntry> | null = null;
  private readonly left: { promise: Promise<void>; resolve: () => void };

  private constructor(
    private readonly o: GroupMemberOptions,
    private readonly kv: KV,
  ) {
    this.id = o.memberId ?? newMemberId();
    this.leaseTtlMs = o.leaseTtlMs ?? 5000;
    this.heartbeatMs = o.heartbeatMs ?? Math.max(100, Math.floor(this.leaseTtlMs / 5));
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.left = { promise, resolve };
  }

  /**
   * Join `group`: open (or create) its bucket, check that its partition count matches, start
   * watching and heartbeating. Refuses (UserError) a group that has another partition count.
   */
  static async join(o: GroupMemberOptions): Promise<GroupMember> {
    checkGroupName(o.group);
    if (!Number.isInteger(o.partitions) || o.partitions < 1)
      throw new UserError(`partitions must be a whole number ≥ 1, not ${o.partitions}`);
    const kv = await o.nc.jetstream().views.kv(groupBucket(o.group), { history: 1, replicas: o.replicas ?? 1 });
    await checkConfig(kv, o.group, o.partitions);
    const m = new GroupMember(o, kv);
    await m.startWatch();
    await m.tick();
    return m;
  }

  /** The partitions this member holds now, with their epochs. */
  holdings(): HeldLease[] {
    return [...this.held.values()]
      .filter((h) => h.phase !== 'revoked')
      .map((h) => ({ partition: h.partition, epoch: h.epoch }))
      .sort((a, b) => a.partition - b.partition);
  }

  /**
   * True while this member holds `partition` under `epoch` as far as it knows: not lost, not
   * released. Checked before every checkpoint is published; the fence that cannot be fooled
   * by a process that slept through its loss is the checkpoint key's compare-and-swap.
   */
  holds(partition: number, epoch: number): boolean {
    const h = this.held.get(partition);
    return h !== undefined && h.epoch === epoch && h.phase !== 'revoked';
  }

  /** What `sluice group` shows for a partition this member runs (lag, last checkpoint). */
  report(partition: number, r: PartitionReport): void {
    this.reports.set(partition, r);
  }

  /** Live members as this member sees them, by id. */
  liveMembers(): MemberRecord[] {
    const now = this.serverNow();
    const out: MemberRecord[] = [];
    for (const [key, seen] of this.view) {
      if (!key.startsWith('member.')) continue;
      const rec = seen.value as MemberRecord | null;
      if (!rec || rec.leaving) continue;
      if (now <= seen.created + rec.ttlMs) out.push(rec);
    }
    return out;
  }

  /**
   * Leave the group gracefully: every partition is handed over (`onRevoked`, then released)
   * while the leases are still renewed, then the heartbeat is deleted. Resolves when done.
   */
  async leave(): Promise<void> {
    if (this.closed) return;
    this.leaving = true;
    this.kick();
    await this.left.promise;
  }

  /** Stop at once: no release (the leases expire). For a process that is going away anyway. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.watcher?.stop();
    this.left.resolve();
  }

  /** The server's clock now, as far as this member can tell. */
  private serverNow(): number {
    return this.newestServerMs + (mono() - this.newestSeenAt);
  }

  private async startWatch(): Promise<void> {
    let initialized!: () => void;
    const ready = new Promise<void>((r) => (initialized = r));
    this.watcher = await this.kv.watch({ key: '>', initializedFn: () => initialized() });
    void (async () => {
      try {
        for await (const e of this.watcher!) this.observe(e);
      } catch (err) {
        if (!this.closed) this.log(`group watch ended: ${(err as Error).message}`);
      }
    })();
    await ready;
  }

  private observe(e: KvEntry): void {
    const created = e.created.getTime();
    if (created > this.newestServerMs) {
      this.newestServerMs = created;
      this.newestSeenAt = mono();
    }
    if (e.operation !== 'PUT') {
      this.view.delete(e.key);
      return;
    }
    this.view.set(e.key, { revision: e.revision, created, value: decodeRecord(e.value) });
  }

  /** Run a tick now (after a handover finished), or right after the running one. */
  private kick(): void {
    if (this.closed) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.tick();
  }

  private async tick(): Promise<void> {
    if (this.closed) return;
    this.ticking = true;
    try {
      await this.step();
    } catch (err) {
      this.log(`group ${this.o.group}: ${(err as Error).message}`);
    } finally {
      this.ticking = false;
    }
    if (this.closed) return;
    if (this.leaving && this.held.size === 0) {
      await this.kv.delete(keys.member(this.id)).catch(() => undefined);
      this.close();
      return;
    }
    const again = this.tickAgain;
    this.tickAgain = false;
    this.timer = setTimeout(() => void this.tick(), again ? 0 : this.heartbeatMs);
  }

  private async step(): Promise<void> {
    // 1. Heartbeat.
    const record: MemberRecord = {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      startedAt: this.startedAt,
      renewedAt: Date.now(),
      ttlMs: this.leaseTtlMs,
      leaving: this.leaving,
      partitions: this.holdings().map((h) => ({ ...h, ...this.reports.get(h.partition) })),
    };
    await this.kv.put(keys.member(this.id), encodeRecord(record));

    // 2. The assignment over live members (this one included unless leaving).
    const live = this.liveMembers().map((m) => m.id);
    if (!this.leaving && !live.includes(this.id)) live.push(this.id);
    const desired = new Set(this.leaving ? [] : (assignPartitions(live, this.o.partitions).get(this.id) ?? []));

    // 3 and 4. Renew what is held; hand over what moved; release what was handed over.
    await Promise.all([...this.held.values()].map((h) => this.keep(h, desired.has(h.partition))));

    // 5. Take what is assigned here and free.
    if (this.leaving) return;
    const now = this.serverNow();
    await Promise.all(
      [...desired]
        .filter((p) => !this.held.has(p))
        .map(async (p) => {
          const seen = this.view.get(keys.lease(p));
          const lease = seen?.value as LeaseRecord | undefined;
          if (seen && lease && lease.owner !== null && lease.owner !== this.id && now <= seen.created + lease.ttlMs)
            return; // held by a live owner: wait for its handover or its expiry
          await this.take(p, seen, lease);
        }),
    );
  }

  private async keep(h: Held, wanted: boolean): Promise<void> {
    if (mono() >= h.validUntil && !h.late) {
      // Paused or starved past the TTL. Not a loss by itself: the renewal below tells (a failed
      // swap means a successor took over); giving up on the local clock alone turned every long
      // stall of a loaded machine into a storm of rebalances.
      h.late = true;
      this.log(`partition ${h.partition}: lease renewal is ${Math.round(mono() - h.validUntil)} ms past its TTL`);
    }
    if (h.phase === 'revoked') {
      await this.release(h);
      return;
    }
    if (!wanted && h.phase === 'running') {
      h.phase = 'revoking';
      this.log(`partition ${h.partition}: handing over (rebalance)`);
      this.o.onRevoked({ partition: h.partition, epoch: h.epoch }).then(
        () => {
          h.phase = 'revoked';
          this.kick();
        },
        (err: unknown) => {
          this.log(`partition ${h.partition}: handover failed: ${(err as Error).message}`);
          h.phase = 'revoked';
          this.kick();
        },
      );
    }
    await this.renew(h);
  }

  private async renew(h: Held): Promise<void> {
    const sent = mono();
    const lease: LeaseRecord = {
      owner: this.id,
      epoch: h.epoch,
      renewedAt: Date.now(),
      ttlMs: this.leaseTtlMs,
      expiresAt: Date.now() + this.leaseTtlMs,
    };
    try {
      h.revision = await this.kv.update(keys.lease(h.partition), encodeRecord(lease), h.revision);
      h.validUntil = sent + this.leaseTtlMs;
      h.late = false;
    } catch (err) {
      if (!isCasConflict(err)) throw err;
      const now = this.view.get(keys.lease(h.partition))?.value as LeaseRecord | undefined;
      this.lose(
        h,
        `partition ${h.partition} (epoch ${h.epoch}) was taken over${now?.owner ? ` by ${now.owner} at epoch ${now.epoch}` : ''}`,
      );
    }
  }

  private async release(h: Held): Promise<void> {
    const lease: LeaseRecord = {
      owner: null,
      epoch: h.epoch,
      renewedAt: Date.now(),
      ttlMs: this.leaseTtlMs,
      expiresAt: 0,
    };
    this.held.delete(h.partition);
    this.reports.delete(h.partition);
    try {
      await this.kv.update(keys.lease(h.partition), encodeRecord(lease), h.revision);
      this.log(`partition ${h.partition}: released at epoch ${h.epoch}`);
    } catch (err) {
      if (!isCasConflict(err)) throw err; // someone took it already: nothing to release
    }
  }

  private lose(h: Held, reason: string): void {
    this.held.delete(h.partition);
    this.reports.delete(h.partition);
    this.log(`lost: ${reason}`);
    this.o.onLost({ partition: h.partition, epoch: h.epoch }, reason);
  }

  private async take(p: number, seen: Seen | undefined, lease: LeaseRecord | undefined): Promise<void> {
    const epoch = (lease?.epoch ?? 0) + 1;
    const sent = mono();
    const record: LeaseRecord = {
      owner: this.id,
      epoch,
      renewedAt: Date.now(),
      ttlMs: this.leaseTtlMs,
      expiresAt: Date.now() + this.leaseTtlMs,
    };
    let revision: number;
    try {
      revision = seen
        ? await this.kv.update(keys.lease(p), encodeRecord(record), seen.revision)
        : await this.kv.create(keys.lease(p), encodeRecord(record));
    } catch (err) {
      if (isCasConflict(err)) return; // another member was quicker, or our view is behind: next tick
      throw err;
    }
    const h: Held = { partition: p, epoch, revision, validUntil: sent + this.leaseTtlMs, phase: 'starting' };
    this.held.set(p, h);
    this.log(
      `partition ${p}: acquired at epoch ${epoch}${lease?.owner && lease.owner !== this.id ? ` (from ${lease.owner}, expired)` : ''}`,
    );
    this.o.onAcquired({ partition: p, epoch }).then(
      () => {
        if (h.phase === 'starting') h.phase = 'running';
        this.kick();
      },
      (err: unknown) => {
        this.log(`partition ${p}: could not start: ${(err as Error).message}`);
        if (this.held.get(p) === h) h.phase = 'revoked';
        this.kick();
      },
    );
  }

  private log(line: string): void {
    this.o.log?.(line);
  }
}

/** The first member fixes the partition count; a member of another graph shape is refused. */
async function checkConfig(kv: KV, group: string, partitions: number): Promise<void> {
  const wanted: GroupConfig = { partitions, createdAt: Date.now() };
  for (let attempt = 0; attempt < 3; attempt++) {
    const e = await kv.get(keys.config);
    if (e && e.operation === 'PUT') {
      const cfg = decodeRecord(e.value) as GroupConfig | null;
      if (cfg?.partitions !== partitions)
        throw new UserError(
          `group "${group}" has ${cfg?.partitions ?? '?'} partitions and this graph asks for ${partitions}: every member of a group must run the same partition count`,
        );
      return;
    }
    try {
      await kv.create(keys.config, encodeRecord(wanted));
      return;
    } catch (err) {
      if (!isCasConflict(err)) throw err;
    }
  }
}
