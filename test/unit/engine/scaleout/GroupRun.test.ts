import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphFile } from '../../../../engine/contract/graphFile.js';
import { GroupRun } from '../../../../engine/scaleout/GroupRun.js';
import { PartitionCheckpoints } from '../../../../engine/scaleout/PartitionCheckpoints.js';
import { readGroup } from '../../../../engine/scaleout/readGroup.js';
import { startNats, waitFor, type PrivateNats } from '../../../support/natsServer.js';
import { graphOf, runToEnd } from '../runtime/runGraph.js';
import { partitionOf } from '../../../../engine/runtime/partition.js';
import { decodeState } from '../../../../engine/store/stateCodec.js';
import pg from 'pg';
import { createClient } from 'redis';
import { groupBucket, keys } from '../../../../engine/scaleout/groupNames.js';
import {
  decodeRecord,
  encodeRecord,
  isCasConflict,
  type LeaseRecord,
} from '../../../../engine/scaleout/groupRecords.js';

// GroupRun in this process (real worker threads, real SQLite caches, a private nats-server).
let nats: PrivateNats;
let nc: NatsConnection;
let dir: string;
beforeAll(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-grouprun-'));
});
afterAll(async () => {
  await nc.close();
  await nats.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const graph = (sink: { type: string; config?: Record<string, unknown> }, partitions = 2): GraphFile =>
  graphOf({
    settings: { checkpointIntervalMs: 200, partitions },
    nodes: [
      { id: 'gen', type: 'source.generator', config: { count: 2000, keys: 8 } },
      { id: 'agg', type: 'aggregate', config: { op: 'count' } },
      { id: 'out', ...sink },
    ],
    edges: ['gen -> agg', 'agg -> out'],
  });

async function start(g: GraphFile, group: string, lines: string[], leaseTtlMs = 1500): Promise<GroupRun> {
  return GroupRun.start({
    graph: g,
    baseDir: dir,
    group,
    url: nats.url,
    cacheDir: path.join(dir, 'cache'),
    leaseTtlMs,
    heartbeatMs: Math.floor(leaseTtlMs / 6),
    log: (l) => lines.push(l),
  });
}

describe('GroupRun', () => {
  it('runs every partition to its end, publishes the final checkpoints, and leaves cleanly', async () => {
    const group = `gr-ok-${Date.now()}`;
    const lines: string[] = [];
    const run = await start(graph({ type: 'sink.discard' }), group, lines);
    const store = await PartitionCheckpoints.open(nc, group, 'reader');
    await waitFor(
      'both partitions to end',
      async () => (await store.peek(0))?.checkpoint?.ended && (await store.peek(1))?.checkpoint?.ended,
      60_000,
    );
    await run.stop();
    expect(lines.join('\n')).toMatch(/partition 0: running at epoch 1, from the start/);
    expect(lines.join('\n')).toMatch(/partition 1: released at epoch 1/);
    expect(fs.existsSync(path.join(dir, 'cache', run.memberId))).toBe(false);
  }, 90_000);

  it('refuses a graph without partitions, or with a sink that commits on one machine, before connecting', async () => {
    const lines: string[] = [];
    const none = graph({ type: 'sink.discard' });
    none.settings = { checkpointIntervalMs: 200 };
    await expect(start(none, 'gr-refused', lines)).rejects.toThrow(/has no settings.partitions/);
    await expect(start(graph({ type: 'sink.file', config: { path: 'x.jsonl' } }), 'gr-refused', lines)).rejects.toThrow(
      /sink.file cannot be shared/,
    );
  });

  /**
   * With one member, or two (`members` 2: the rebalance moves partitions mid-stream). The
   * two-member run once failed ~1 in 4 on a loaded machine, some keys stuck at 71-99 of 100
   * in PostgreSQL while checkpoints went on: source.nats lost messages its consumer had
   * delivered to a pull the client had already closed (no acks), fixed there (see
   * natsLostDelivery.test.ts). The failure message prints what tells such causes apart: each
   * partition's reader position, counts and outbox, the commit records, the stream's subjects.
   */
  const topicByPartition = async (members: 1 | 2): Promise<void> => {
    const group = `gr-topic-${Date.now()}`;
    const stream = `grtopic${Date.now()}`;
    const table = `grtopic_${Date.now()}`;
    const pgUrl = 'postgres://postgres@127.0.0.1:5432/test';
    const broker = { url: nats.url, stream, partitions: 3 };
    // The publisher: a plain run of its own graph, routing each key to <stream>.<hash % 3>.
    const producer = graphOf({
      name: 'payments-feed',
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 3600, keys: 36 } },
        { id: 't', type: 'topic', config: { name: 'payments', broker } },
      ],
      edges: ['gen -> t'],
    });
    // The subscriber, as a group of two members over 3 partitions.
    const consumer = graphOf({
      settings: { checkpointIntervalMs: 200, partitions: 3 },
      nodes: [
        { id: 't', type: 'topic', config: { name: 'payments', broker: { url: nats.url, stream } } },
        { id: 'agg', type: 'aggregate', config: { op: 'count' } },
        { id: 'pg', type: 'sink.postgres', config: { url: pgUrl, table, mode: 'upsert' } },
      ],
      edges: ['t -> agg', 'agg -> pg'],
    });
    const lines: string[] = [];
    const a = await start(consumer, group, lines, 5000);
    const b = members === 2 ? await start(consumer, group, lines, 5000) : null;
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      const fed = await runToEnd(producer, { statePath: path.join(dir, `${stream}-feed.db`) });
      expect(fed.result.status, JSON.stringify(fed.result)).toBe('finished');
      await waitFor(
        'every key counted to 100',
        async () => {
          const r = await client
            .query<{ n: string }>(`SELECT count(*) AS n FROM "${table}" WHERE (value->>'value')::int = 100`)
            .catch(() => null);
          return r !== null && Number(r.rows[0]!.n) === 36;
        },
        60_000,
      ).catch(async (err: unknown) => {
        const rows = await client.query(`SELECT key, value FROM "${table}"`).catch(() => ({ rows: [] }));
        const st = await PartitionCheckpoints.open(nc, group, 'debug');
        for (let p = 0; p < 3; p++) {
          const c = (await st.peek(p))?.checkpoint;
          const t = c?.snapshots.find((x) => x.nodeId === 't');
          const ag = c?.snapshots.find((x) => x.nodeId === 'agg');
          lines.push(
            `DEBUG p${p}: cp ${c?.checkpointId} epoch ${(await st.peek(p))?.epoch} writer ${c?.writer} t ${JSON.stringify(t ? decodeState(t.state) : null)} agg ${JSON.stringify(ag ? decodeState(ag.state) : null).slice(0, 400)} outbox ${c?.outbox.rows.length} rows lastSeq ${c?.outbox.lastSeq} seqs ${c?.outbox.rows[0]?.seq}-${c?.outbox.rows.at(-1)?.seq}`,
          );
        }
        const commits = await client
          .query(`SELECT * FROM _sluice_commits WHERE store_id LIKE $1`, [`group:${group}:%`])
          .catch(() => ({ rows: [] }));
        lines.push(`DEBUG commits ${JSON.stringify(commits.rows)}`);
        const info = await (await nc.jetstreamManager()).streams.info(stream, { subjects_filter: '>' });
        lines.push(`DEBUG stream ${JSON.stringify(info.state.subjects)} last ${info.state.last_seq}`);
        throw new Error(`${(err as Error).message}: ${JSON.stringify(rows.rows).slice(0, 3000)}\n${lines.join('\n')}`);
      });
      const all = await client.query<{ value: { value: number } }>(`SELECT value FROM "${table}"`);
      expect(all.rows).toHaveLength(36);
      await client.query(`DROP TABLE "${table}"`);
    } finally {
      await client.end();
      await a.stop();
      await b?.stop();
    }
    // Each partition read only its subject: its count holds only the keys that hash to it,
    // and its reader's position is within its own subject's share of the stream.
    const store = await PartitionCheckpoints.open(nc, group, 'reader');
    let held = 0;
    for (let p = 0; p < 3; p++) {
      const snaps = (await store.peek(p))?.checkpoint?.snapshots;
      const agg = snaps?.find((x) => x.nodeId === 'agg');
      const keys = (decodeState(agg!.state) as { columns: { keys: string[] } }).columns.keys;
      for (const k of keys) expect(partitionOf(k, 3)).toBe(p);
      held += keys.length;
    }
    expect(held).toBe(36);
    expect(lines.join('\n')).not.toMatch(/failed|refused/);
  };

  it(
    'reads a broker-backed topic by partition: partition p reads only <stream>.<p>, each event counted once',
    () => topicByPartition(1),
    120_000,
  );

  it(
    'reads a broker-backed topic by partition with two members, partitions moving mid-stream',
    () => topicByPartition(2),
    120_000,
  );

  /**
   * sink.redis in a group (issue 15 item 4): a partition taken from its owner mid-stream keeps
   * exactly-once. A successor that the test plays ("ghost": it takes partition 0's lease with
   * epoch + 1 and claims its checkpoint key, as GroupMember and GroupRun do) fences member a
   * out; a's next commit of partition 0 is refused, so while the ghost holds the lease the
   * stream holds at most what the claimed checkpoint covers. Then b joins (one partition moves
   * to it) and the ghost's lease expires (a takeover): at the end the stream holds every running
   * count of every key once, per key in order.
   */
  it('sink.redis: a stale owner’s commit is refused and partitions moving mid-stream keep every count once', async () => {
    const stamp = Date.now();
    const group = `gr-redis-${stamp}`;
    const stream = `sluice-gr-redis-${stamp}`;
    const count = 1600;
    const keyCount = 8;
    const g = graphOf({
      settings: { checkpointIntervalMs: 200, partitions: 2 },
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count, keys: keyCount, ratePerSec: 400 } },
        { id: 'agg', type: 'aggregate', config: { op: 'count' } },
        { id: 'out', type: 'sink.redis', config: { url: 'redis://127.0.0.1:6379', stream } },
      ],
      edges: ['gen -> agg', 'agg -> out'],
    });
    const redis = createClient({ url: 'redis://127.0.0.1:6379' });
    await redis.connect();
    /** The stream's running counts per key, in stream order. */
    const written = async (): Promise<Map<string, number[]>> => {
      const out = new Map<string, number[]>();
      for (const e of await redis.xRange(stream, '-', '+')) {
        const key = e.message['key']!;
        const v = JSON.parse(e.message['payload']!) as { value: number };
        out.set(key, [...(out.get(key) ?? []), v.value]);
      }
      return out;
    };
    const inP0 = (m: Map<string, number[]>): number =>
      [...m].filter(([k]) => partitionOf(k, 2) === 0).reduce((a, [, v]) => a + v.length, 0);
    const linesA: string[] = [];
    const linesB: string[] = [];
    const a = await start(g, group, linesA, 1500);
    let b: GroupRun | null = null;
    try {
      await waitFor('partition 0 to commit to the stream', async () => inP0(await written()) >= 50, 30_000);
      // The ghost takes partition 0's lease (CAS on the revision a keeps renewing), then claims
      // its checkpoint key under that epoch.
      const kv = await nc.jetstream().views.kv(groupBucket(group), { bindOnly: true });
      const GHOST_TTL = 6000;
      const ghostEpoch = await waitFor('the ghost to take the lease', async () => {
        const e = await kv.get(keys.lease(0));
        const held = decodeRecord(e!.value) as LeaseRecord;
        const lease: LeaseRecord = {
          owner: 'ghost',
          epoch: held.epoch + 1,
          renewedAt: Date.now(),
          ttlMs: GHOST_TTL,
          expiresAt: Date.now() + GHOST_TTL,
        };
        try {
          await kv.update(keys.lease(0), encodeRecord(lease), e!.revision);
          return lease.epoch;
        } catch (err) {
          if (isCasConflict(err)) return undefined;
          throw err;
        }
      });
      const claimed = await (await PartitionCheckpoints.open(nc, group, 'ghost')).claim(0, ghostEpoch);
      const covered = claimed.restored!;
      expect(covered.writer).toBe(a.memberId);
      const agg = covered.snapshots.find((x) => x.nodeId === 'agg')!;
      const cols = (decodeState(agg.state) as { columns: { keys: string[]; count: number[] } }).columns;
      const coveredCount = new Map(cols.keys.map((k, i) => [k, cols.count[i]!]));
      // a finds out (its renewal fails) and stops partition 0; its last commit is refused.
      await waitFor('a to stop partition 0', () => !a.running().includes(0), 30_000);
      // While the ghost holds the lease, nothing past the claimed checkpoint is in the stream.
      const fenced = await written();
      const still = decodeRecord((await kv.get(keys.lease(0)))!.value) as LeaseRecord;
      expect(still.owner, 'the ghost still holds partition 0 (a slower machine needs a longer GHOST_TTL)').toBe(
        'ghost',
      );
      for (const [k, ns] of fenced)
        if (partitionOf(k, 2) === 0)
          expect(
            ns.length,
            `${k}: the stream holds ${ns.length}, the claimed checkpoint covers ${coveredCount.get(k)}`,
          ).toBeLessThanOrEqual(coveredCount.get(k) ?? 0);
      expect(inP0(fenced)).toBeLessThan(count / 2);
      await waitFor('a to see the ghost took partition 0', () =>
        /lost: partition 0 \(epoch \d+\) was taken over by ghost/.test(linesA.join('\n')),
      );
      expect(linesA.join('\n')).toMatch(/no longer held, so checkpoint \d+ is refused|epoch \d+ is stale/);
      // b joins and gets one partition (a hands 1 over, or b waits for 0); the ghost's lease expires.
      b = await start(g, group, linesB, 1500);
      await waitFor(
        'every count in the stream',
        async () => [...(await written()).values()].reduce((n, v) => n + v.length, 0) >= count,
        60_000,
      );
      await a.stop();
      await b.stop();
      const all = await written();
      expect(all.size).toBe(keyCount);
      for (const [k, ns] of all) {
        expect(ns.length, k).toBe(count / keyCount);
        expect(
          ns.every((n, i) => n === i + 1),
          `${k} once each, in order: ${ns.join(',')}`,
        ).toBe(true);
      }
      const log = [...linesA, ...linesB].join('\n');
      // b resumed what a had written: partition 1 handed over, or partition 0 after the ghost.
      expect(linesB.join('\n')).toMatch(new RegExp(`resumed from checkpoint \\d+ \\(written by ${a.memberId}`));
      expect(log).toMatch(
        new RegExp(
          `partition 0: running at epoch ${ghostEpoch + 1}, resumed from checkpoint ${covered.checkpointId} \\(written by ${a.memberId}`,
        ),
      );
    } finally {
      await a.stop();
      await b?.stop();
      await redis.del([stream, `${stream}:sluice-commits`]);
      await redis.quit();
    }
  }, 120_000);

  it('refuses a broker topic whose partitions differ from the group’s', async () => {
    const g = graphOf({
      settings: { checkpointIntervalMs: 200, partitions: 3 },
      nodes: [
        { id: 't', type: 'topic', config: { name: 'x', broker: { url: nats.url, stream: 's', partitions: 4 } } },
        { id: 'out', type: 'sink.discard' },
      ],
      edges: ['t -> out'],
    });
    await expect(start(g, 'gr-refused-topic', [])).rejects.toThrow(
      /node "t": the broker topic hashes keys over 4 partitions and the group over 3/,
    );
  });

  it('reports each partition’s broker lag and last checkpoint for sluice group', async () => {
    const group = `gr-lag-${Date.now()}`;
    const stream = `grlag${Date.now()}`;
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
    const js = nc.jetstream();
    for (let i = 0; i < 200; i++) await js.publish(`${stream}.x`, JSON.stringify({ i }));
    const g = graphOf({
      settings: { checkpointIntervalMs: 200, partitions: 1 },
      nodes: [
        { id: 'in', type: 'source.nats', config: { url: nats.url, stream, deliver: 'all' } },
        { id: 'out', type: 'sink.discard' },
      ],
      edges: ['in -> out'],
    });
    const lines: string[] = [];
    const run = await start(g, group, lines);
    const lease = await waitFor(
      'a lag and a checkpoint in the group view',
      async () => {
        const v = await readGroup(nc, group);
        const l = v.leases[0]!;
        return typeof l.lag === 'number' && l.checkpointId !== null ? l : undefined;
      },
      60_000,
    );
    expect(lease.lag).toBeGreaterThanOrEqual(0);
    await run.stop();
    await jsm.streams.delete(stream);
  }, 90_000);

  it('tries a failed partition again, backing off, while it holds the lease', async () => {
    const group = `gr-retry-${Date.now()}`;
    const lines: string[] = [];
    const bad = graph(
      {
        type: 'sink.postgres',
        config: { url: 'postgres://sluice_no_such_user@127.0.0.1:5432/test', table: 't_retry' },
      },
      1,
    );
    const run = await start(bad, group, lines);
    await waitFor(
      'a second attempt',
      () => lines.filter((l) => /partition 0: running at epoch 1/.test(l)).length >= 2,
      60_000,
    );
    expect(lines.join('\n')).toMatch(/partition 0: stopped at epoch 1: node "out": .*sluice_no_such_user/);
    expect(lines.join('\n')).toMatch(/partition 0: trying again in 1 s/);
    await run.stop();
  }, 90_000);
});
