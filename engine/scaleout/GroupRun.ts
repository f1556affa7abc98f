import fs from 'node:fs';
import path from 'node:path';
import type { NatsConnection } from 'nats';
import type { GraphFile } from '../contract/graphFile.js';
import type { MetricsSnapshot } from '../contract/metrics.js';
import type { KeychainLookup } from '../graph/resolveConnections.js';
import { startRun, type StartedRun } from '../runtime/startRun.js';
import { StateStore } from '../store/StateStore.js';
import { cachePartitionCheckpoint, readOutbox } from './cachePartitionCheckpoint.js';
import { connectNats, shownUrl } from './connectNats.js';
import { GroupMember, type HeldLease } from './GroupMember.js';
import { newMemberId } from './groupNames.js';
import { PartitionCheckpoints, type FencedPartition } from './PartitionCheckpoints.js';
import { groupPartitions, partitionGraph } from './partitionGraph.js';

export interface GroupRunOptions {
  graph: GraphFile;
  /** Folder the graph's relative paths resolve against. */
  baseDir: string;
  group: string;
  url: string;
  /** Folder of members' local caches: this one's is `<cacheDir>/<member id>/`, one SQLite store per partition, removed when it leaves. */
  cacheDir: string;
  leaseTtlMs?: number;
  heartbeatMs?: number;
  /** Worker threads per partition run (default 1: a member runs several partitions). */
  workersPerPartition?: number;
  hangTimeoutMs?: number;
  /** The desktop app's keychain secrets (`${keychain:…}`); none elsewhere. */
  keychain?: KeychainLookup;
  log(line: string): void;
  onConsole?(line: string): void;
  /**
   * Each metrics frame of a partition this member runs, and null once it no longer runs it
   * (the editor sums them into one frame for the canvas: EngineService.startGroupRun).
   */
  onPartitionMetrics?(partition: number, snapshot: MetricsSnapshot | null): void;
}

interface PartitionRun {
  lease: HeldLease;
  run: StartedRun;
  fenced: FencedPartition;
  /** A stop was asked (handover, loss, leaving): its final checkpoint does not mean "input ended". */
  stopping: boolean;
}

/**
 * `sluice run <graph> --group <name>` (SPEC §15): this process is one member of the group. It
 * runs each partition it holds as a run of its own (`partitionGraph`), and:
 * 1. on acquiring partition p at epoch e: fences p's state in JetStream at e
 *    (`PartitionCheckpoints.claim`), rebuilds the local SQLite cache from the checkpoint found
 *    there, and starts the run, which resumes from it;
 * 2. on every checkpoint of that run: after SQLite and before sinks commit, checks that the
 *    lease is still held and writes the checkpoint to JetStream under e; a refusal (a newer
 *    epoch claimed p) fails the run at once, committing nothing;
 * 3. on a handover (rebalance, leaving): stops the run (a final checkpoint, written the same
 *    way), then the lease is released;
 * 4. on losing the lease without a handover: stops the run; its final checkpoint is refused,
 *    so it ends without committing.
 */
export class GroupRun {
  private readonly runs = new Map<number, PartitionRun>();
  private member: GroupMember | null = null;
  private readonly partitions: number;
  private stopped: Promise<void> | null = null;

  private constructor(
    private readonly o: GroupRunOptions,
    private readonly nc: NatsConnection,
    private readonly store: PartitionCheckpoints,
    readonly memberId: string,
  ) {
    this.partitions = groupPartitions(o.graph);
    this.cacheDir = path.join(o.cacheDir, memberId);
  }

  private readonly cacheDir: string;

  static async start(o: GroupRunOptions): Promise<GroupRun> {
    groupPartitions(o.graph); // refuse before connecting
    const nc = await connectNats(o.url, `sluice ${o.graph.name} (group ${o.group})`);
    try {
      const id = newMemberId();
      const store = await PartitionCheckpoints.open(nc, o.group, id);
      const g = new GroupRun(o, nc, store, id);
      let joined!: () => void;
      const ready = new Promise<void>((r) => (joined = r));
      fs.mkdirSync(path.join(o.cacheDir, id), { recursive: true });
      g.member = await GroupMember.join({
        nc,
        group: o.group,
        partitions: g.partitions,
        memberId: id,
        ...(o.leaseTtlMs !== undefined ? { leaseTtlMs: o.leaseTtlMs } : {}),
        ...(o.heartbeatMs !== undefined ? { heartbeatMs: o.heartbeatMs } : {}),
        onAcquired: async (l) => {
          await ready;
          // Fence at once (a stale owner's next checkpoint is refused from here on), then start
          // the run in turn.
          const fenced = await g.store.claim(l.partition, l.epoch);
          await g.oneAtATime(() => g.acquired(l, 0, fenced));
        },
        onRevoked: (l) => g.revoked(l),
        onLost: (l, reason) => g.lost(l, reason),
        log: (line) => o.log(line),
      });
      joined();
      o.log(`group ${o.group} on ${shownUrl(o.url)}: joined as ${id} (${g.partitions} partitions)`);
      return g;
    } catch (err) {
      await nc.close().catch(() => undefined);
      throw err;
    }
  }

  /** The partitions this member runs now. */
  running(): number[] {
    return [...this.runs.keys()].sort((a, b) => a - b);
  }

  /** Leave the group: hand every partition over (final checkpoints), then disconnect. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      await this.member?.leave();
      for (const r of this.runs.values()) await r.run.stop();
      await this.nc.drain().catch(() => undefined);
      fs.rmSync(this.cacheDir, { recursive: true, force: true });
    })();
    return this.stopped;
  }

  private cachePath(p: number): string {
    return path.join(this.cacheDir, `partition-${p}.db`);
  }

  /**
   * Partition runs start one after another: starting one (plan, SQLite, a worker) holds the
   * event loop for a while on a loaded machine, and a dozen at once held it past the lease TTL,
   * so the heartbeats stopped and the other members took everything over.
   */
  private oneAtATime<T>(start: () => Promise<T>): Promise<T> {
    const next = this.starting.then(start, start);
    this.starting = next.then(
      () => new Promise((r) => setImmediate(r)),
      () => new Promise((r) => setImmediate(r)),
    );
    return next;
  }

  private starting: Promise<unknown> = Promise.resolve();

  private retry(lease: HeldLease, attempt: number): void {
    const delay = Math.min(60_000, 1000 * 2 ** Math.min(attempt - 1, 6));
    this.o.log(`partition ${lease.partition}: trying again in ${Math.round(delay / 1000)} s`);
    setTimeout(() => {
      if (this.stopped || !this.member?.holds(lease.partition, lease.epoch) || this.runs.has(lease.partition)) return;
      this.oneAtATime(() => this.acquired(lease, attempt)).catch((err: unknown) => {
        this.o.log(`partition ${lease.partition}: ${(err as Error).message}`);
        this.retry(lease, attempt + 1);
      });
    }, delay).unref();
  }

  private async acquired(lease: HeldLease, attempt = 0, claimed?: FencedPartition): Promise<void> {
    const { partition: p, epoch } = lease;
    // Taken back after a loss: the old run must have let go of the cache (its store lock) first.
    const old = this.runs.get(p);
    if (old && old.lease.epoch !== epoch) {
      old.stopping = true;
      await old.run.stop();
      if (this.runs.get(p) === old) this.runs.delete(p);
    }
    const fenced = claimed ?? (await this.store.claim(p, epoch));
    const from = fenced.restored;
    cachePartitionCheckpoint(this.cachePath(p), from, `group:${this.o.group}:partition:${p}`);
    // A second connection to the cache, to read what its sinks still have to send (WAL: it
    // sees every transaction the sink workers committed before their snapshots arrived).
    const reader = StateStore.open(this.cachePath(p), { readonly: true });
    const entry: Partial<PartitionRun> & { lease: HeldLease; fenced: FencedPartition; stopping: boolean } = {
      lease,
      fenced,
      stopping: false,
    };
    const graph = partitionGraph(this.o.graph, p, this.partitions);
    const run = await startRun({
      graph,
      baseDir: this.o.baseDir,
      statePath: this.cachePath(p),
      maxWorkers: this.o.workersPerPartition ?? 1,
      ...(this.o.hangTimeoutMs !== undefined ? { hangTimeoutMs: this.o.hangTimeoutMs } : {}),
      ...(this.o.onConsole ? { onConsole: this.o.onConsole } : {}),
      ...(this.o.keychain !== undefined ? { keychain: this.o.keychain } : {}),
      publishCheckpoint: async (cp) => {
        if (!this.member?.holds(p, epoch))
          throw new Error(
            `partition ${p}: the lease of epoch ${epoch} is no longer held, so checkpoint ${cp.id} is refused`,
          );
        await fenced.write({
          checkpointId: cp.id,
          startedAt: cp.startedAt,
          sourceSequence: null,
          ended: cp.final && !entry.stopping,
          snapshots: cp.snapshots,
          outbox: readOutbox(reader.connection, cp.id),
        });
      },
    }).catch((err: unknown) => {
      reader.close();
      throw err;
    });
    entry.run = run;
    // The partition's lag for `sluice group`: what its sources' brokers report as pending
    // (JetStream pending, Redis group lag), summed; null for sources that have none.
    const sources = new Set(graph.nodes.filter((n) => n.type.startsWith('source.')).map((n) => n.id));
    let lastCheckpoint: number | null = from?.checkpointId ?? null;
    run.subscribe((e) => {
      if (e.type !== 'metricsPublished') return;
      if (this.runs.get(p) === entry) this.o.onPartitionMetrics?.(p, e.snapshot);
      let lag: number | null = null;
      for (const id of sources) {
        const l = e.snapshot.nodes[id]?.connection?.lag;
        if (typeof l === 'number') lag = (lag ?? 0) + l;
      }
      lastCheckpoint = e.snapshot.run.checkpoints.lastId ?? lastCheckpoint;
      if (this.member?.holds(p, epoch)) this.member.report(p, { checkpointId: lastCheckpoint, lag });
    });
    const pr = entry as PartitionRun;
    this.runs.set(p, pr);
    this.o.log(
      `partition ${p}: running at epoch ${epoch}${from ? `, resumed from checkpoint ${from.checkpointId} (written by ${from.writer} at epoch ${from.epoch})` : ', from the start'}`,
    );
    void run.done.then((r) => {
      reader.close();
      if (this.runs.get(p) === pr && (r.status !== 'finished' || pr.stopping)) {
        this.runs.delete(p);
        this.o.onPartitionMetrics?.(p, null);
      }
      if (r.status === 'finished') this.o.log(`partition ${p}: input ended`);
      if (r.status !== 'failed') return;
      this.o.log(`partition ${p}: stopped at epoch ${epoch}: ${r.reason ?? 'failed'}`);
      // Failed on its own (its restart budget spent, a sink that refused): while the lease is
      // still held, try again from the last published checkpoint, backing off up to a minute.
      if (!pr.stopping) this.retry(lease, attempt + 1);
    });
    // Lost while it was starting: stop it now (its checkpoints are refused already).
    if (!this.member?.holds(p, epoch)) this.lost(lease, 'the lease was lost while the partition started');
  }

  private async revoked(lease: HeldLease): Promise<void> {
    const r = this.runs.get(lease.partition);
    if (!r || r.lease.epoch !== lease.epoch) return;
    r.stopping = true;
    await r.run.stop();
    if (this.runs.get(lease.partition) === r) {
      this.runs.delete(lease.partition);
      this.o.onPartitionMetrics?.(lease.partition, null);
    }
  }

  private lost(lease: HeldLease, reason: string): void {
    const r = this.runs.get(lease.partition);
    if (!r || r.lease.epoch !== lease.epoch) return;
    r.stopping = true;
    this.o.log(`partition ${lease.partition}: ${reason}; stopping it without committing`);
    // The stop's final checkpoint goes through publishCheckpoint, which refuses it (the lease
    // is gone), so the run fails without a commit.
    void r.run.stop();
  }
}
