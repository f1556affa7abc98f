/**
 * `sluice run --group` as users run it (issue 15): real `sluice run` processes against a private
 * nats-server, killed with SIGKILL, paused with SIGSTOP, joined mid-run. The results are read
 * where they live: each partition's checkpoint in JetStream, whose aggregate state must count
 * every event exactly once however often the partition moved.
 */
import fs from 'node:fs';
import path from 'node:path';
import { KvWatchInclude } from 'nats';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { partitionOf } from '../../engine/runtime/partition.js';
import { groupBucket } from '../../engine/scaleout/groupNames.js';
import { decodeRecord, type LeaseRecord } from '../../engine/scaleout/groupRecords.js';
import { PartitionCheckpoints } from '../../engine/scaleout/PartitionCheckpoints.js';
import { decodeState } from '../../engine/store/stateCodec.js';
import { waitFor } from '../support/natsServer.js';
import { memberIdOf, usePrivateNatsRuns, type CliProcess } from './privateNatsRuns.js';

const PARTITIONS = 12;
const KEYS = 36;
const TTL = 3000;
const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

const fx = usePrivateNatsRuns('sluice-group-');

/** A keyed count; its results into sink.discard, or into PostgreSQL (upsert) and a NATS changelog. */
function writeGraph(
  name: string,
  count: number,
  ratePerSec: number,
  sinks?: { table: string; changelog: string },
): string {
  const file = path.join(fx.dir, `${name}.sluice.json`);
  const out = sinks
    ? [
        { id: 'pg', type: 'sink.postgres', config: { url: PG_URL, table: sinks.table, mode: 'upsert' } },
        {
          id: 'chg',
          type: 'sink.nats',
          config: { url: fx.nats.url, subject: `${sinks.changelog}.\${key}`, stream: sinks.changelog },
        },
      ]
    : [{ id: 'out', type: 'sink.discard', config: {} }];
  const graph = {
    format: 'sluice/graph',
    version: 1,
    name,
    settings: { checkpointIntervalMs: 300, partitions: PARTITIONS },
    nodes: [
      { id: 'gen', type: 'source.generator', config: { count, keys: KEYS, ratePerSec } },
      { id: 'agg', type: 'aggregate', config: { op: 'count' } },
      ...out,
    ],
    edges: [
      { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'agg', port: 'in' } },
      ...out.map((o, i) => ({ id: `e${i + 2}`, from: { node: 'agg', port: 'out' }, to: { node: o.id, port: 'in' } })),
    ],
  };
  fs.writeFileSync(file, JSON.stringify(graph));
  return file;
}

type Member = CliProcess;

const member = (graphFile: string, group: string): Member =>
  fx.spawn(['run', graphFile, '--group', group, '--url', fx.nats.url], {
    SLUICE_LEASE_TTL_MS: String(TTL),
    SLUICE_HEARTBEAT_MS: '500',
  });
/** Owner per partition, once every partition has a live lease. */
async function allOwned(group: string): Promise<Map<number, { owner: string; epoch: number }> | undefined> {
  const v = await fx.groupView(group);
  if (!v || v.leases.some((l) => !l.live || !l.owner)) return undefined;
  return new Map(v.leases.map((l) => [l.partition, { owner: l.owner!, epoch: l.epoch }]));
}

/** Every partition's final checkpoint (its input ended): the aggregate's count per key. */
async function finalCounts(group: string): Promise<Map<string, number> | undefined> {
  const store = await PartitionCheckpoints.open(fx.nc, group, 'test-reader');
  const counts = new Map<string, number>();
  for (let p = 0; p < PARTITIONS; p++) {
    const s = await store.peek(p);
    if (!s?.checkpoint?.ended) return undefined;
    const agg = s.checkpoint.snapshots.find((x) => x.nodeId === 'agg')!;
    const state = decodeState(agg.state) as { columns: { keys: string[]; count: number[] } };
    state.columns.keys.forEach((k, i) => {
      expect(partitionOf(k, PARTITIONS)).toBe(p);
      expect(counts.has(k)).toBe(false);
      counts.set(k, state.columns.count[i]!);
    });
  }
  return counts;
}

/**
 * Until every partition has published at least `n` checkpoints (counted from the first seen):
 * the run is under way everywhere, on a loaded machine as on a quiet one.
 */
async function checkpointed(group: string, n: number, timeoutMs = 60_000): Promise<void> {
  const store = await PartitionCheckpoints.open(fx.nc, group, 'test-reader');
  const first = new Map<number, number>();
  await waitFor(
    `${n} checkpoints in every partition`,
    async () => {
      for (let p = 0; p < PARTITIONS; p++) {
        const id = (await store.peek(p))?.checkpoint?.checkpointId;
        if (id === undefined) return false;
        if (!first.has(p)) first.set(p, id);
        if (id - first.get(p)! < n - 1) return false;
      }
      return true;
    },
    timeoutMs,
  );
}

/**
 * Watch the group's leases: for each partition, the server time (ms) of the first lease write
 * at an epoch above `after`'s, so a takeover is timed where it happened, not when this
 * (possibly busy) test process got round to polling for it.
 */
async function watchTakeovers(group: string, after: ReadonlyMap<number, number>) {
  const kv = await fx.nc.jetstream().views.kv(groupBucket(group), { bindOnly: true });
  const seen = new Map<number, number>();
  const watch = await kv.watch({ key: 'lease.*', include: KvWatchInclude.UpdatesOnly });
  void (async () => {
    for await (const e of watch) {
      const p = Number(e.key.slice('lease.'.length));
      const from = after.get(p);
      if (from === undefined || seen.has(p) || e.value.length === 0) continue;
      const lease = decodeRecord(e.value) as LeaseRecord;
      if (lease.epoch > from && lease.owner !== null) seen.set(p, e.created.getTime());
    }
  })();
  return { seen, stop: () => watch.stop() };
}

function expectExactlyOnce(counts: Map<string, number>, count: number): void {
  expect(counts.size).toBe(KEYS);
  for (let k = 0; k < KEYS; k++) expect(counts.get(`k${k}`), `k${k}`).toBe(count / KEYS);
}

/** The changelog stream's messages: per key, the running counts in stream order. */
async function readChangelog(stream: string, expected: number): Promise<Map<string, number[]>> {
  const jsm = await fx.nc.jetstreamManager();
  const info = await jsm.streams.info(stream);
  expect(info.state.messages).toBe(expected);
  const consumer = await fx.nc.jetstream().consumers.get(stream);
  const out = new Map<string, number[]>();
  const msgs = await consumer.consume();
  let n = 0;
  for await (const m of msgs) {
    const v = m.json<{ key: string; value: number }>();
    out.set(v.key, [...(out.get(v.key) ?? []), v.value]);
    if (++n >= expected) break;
  }
  await msgs.close();
  await jsm.streams.delete(stream);
  return out;
}

async function leaveAll(members: readonly Member[]): Promise<void> {
  for (const m of members) if (m.child.exitCode === null && m.child.signalCode === null) m.child.kill('SIGTERM');
  for (const m of members) await m.exited;
}

describe('sluice run --group', () => {
  it('3 members, 12 partitions: SIGKILL one mid-run, its partitions are taken over within the lease TTL + 2 s, every event counted once', async () => {
    const group = `kill-${Date.now()}`;
    const count = 36_000;
    const table = `group_kill_${Date.now()}`;
    const changelog = `grpchg${Date.now()}`;
    const graph = writeGraph('kill', count, 3000, { table, changelog });
    const ms = [member(graph, group), member(graph, group), member(graph, group)];
    await waitFor(
      '12 partitions over 3 members',
      async () => {
        const o = await allOwned(group);
        return o && new Set([...o.values()].map((x) => x.owner)).size === 3 ? o : undefined;
      },
      60_000,
    );
    // Let every partition checkpoint a few times, then kill one member.
    await checkpointed(group, 3);
    const victim = ms[2]!;
    const victimId = await waitFor('the victim id', () => memberIdOf(victim));
    const orphaned = await waitFor(
      'the partitions the victim holds',
      async () => {
        const o = [...((await allOwned(group)) ?? [])].filter(([, x]) => x.owner === victimId);
        return o.length > 0 ? o.map(([p, x]) => ({ p, epoch: x.epoch })) : undefined;
      },
      60_000,
    );
    const takeovers = await watchTakeovers(group, new Map(orphaned.map(({ p, epoch }) => [p, epoch])));
    const t0 = Date.now();
    victim.child.kill('SIGKILL');
    await waitFor(
      'the takeover',
      async () => {
        const o = await allOwned(group);
        return (
          o &&
          orphaned.every(({ p, epoch }) => o.get(p)!.owner !== victimId && o.get(p)!.epoch > epoch) &&
          orphaned.every(({ p }) => takeovers.seen.has(p))
        );
      },
      60_000,
    );
    takeovers.stop();
    // Timed at the server (nats-server on this machine, same clock): the last orphan's new lease.
    const takeoverMs = Math.max(...orphaned.map(({ p }) => takeovers.seen.get(p)!)) - t0;
    console.log(`takeover after SIGKILL: ${Math.round(takeoverMs)} ms (lease TTL ${TTL} ms)`);
    expect(takeoverMs).toBeLessThan(TTL + 2000);
    const counts = await waitFor('every partition to end', () => finalCounts(group), 120_000);
    expectExactlyOnce(counts, count);
    await leaveAll(ms.slice(0, 2));
    for (const m of ms.slice(0, 2)) expect(await m.exited).toBe(0);
    // The table: one row per key holding the final count.
    const pgc = new pg.Client({ connectionString: PG_URL });
    await pgc.connect();
    try {
      const rows = await pgc.query<{ key: string; value: { count: number; value: number } }>(
        `SELECT key, value FROM "${table}"`,
      );
      expect(rows.rows).toHaveLength(KEYS);
      for (const r of rows.rows) expect(r.value.value, r.key).toBe(count / KEYS);
      await pgc.query(`DROP TABLE "${table}"`);
    } finally {
      await pgc.end();
    }
    // The changelog: every result once, per key in order (1, 2, … count/KEYS).
    const seen = await readChangelog(changelog, count);
    for (let k = 0; k < KEYS; k++) {
      const values = seen.get(`k${k}`) ?? [];
      expect(values.length, `k${k}`).toBe(count / KEYS);
      expect(
        values.every((v, i) => v === i + 1),
        `k${k} in order`,
      ).toBe(true);
    }
  }, 300_000);

  it('a member paused past its lease (SIGSTOP) finds out on SIGCONT and commits nothing', async () => {
    const group = `stop-${Date.now()}`;
    const count = 25_200;
    const graph = writeGraph('stop', count, 1000);
    const a = member(graph, group);
    const b = member(graph, group);
    await waitFor(
      '12 partitions over 2 members',
      async () => {
        const o = await allOwned(group);
        return o && new Set([...o.values()].map((x) => x.owner)).size === 2;
      },
      60_000,
    );
    await checkpointed(group, 2);
    const aId = await waitFor('member a id', () => memberIdOf(a));
    // (A view with every lease live: on a loaded machine a renewal can be late for a moment.)
    const held = await waitFor(
      'the partitions a holds',
      async () => {
        const h = [...((await allOwned(group)) ?? [])].filter(([, o]) => o.owner === aId).map(([p]) => p);
        return h.length > 0 ? h : undefined;
      },
      60_000,
    );
    a.child.kill('SIGSTOP');
    const owned = await waitFor(
      'b to own every partition',
      async () => {
        const o = await allOwned(group);
        return o && [...o.values()].every((x) => x.owner !== aId) ? o : undefined;
      },
      60_000,
    );
    // The fence is b's claim of each partition's checkpoint key (its epoch written there), not
    // the lease: a write of a's that was in flight when it stopped may still land before the
    // claim, and b then resumes from it. From the claim on, nothing of a's may land.
    const store = await PartitionCheckpoints.open(fx.nc, group, 'test-reader');
    await waitFor(
      'b to claim every partition',
      async () => {
        for (const [p, { epoch }] of owned) if ((await store.peek(p))?.epoch !== epoch) return false;
        return true;
      },
      60_000,
    );
    const before = new Map<number, number | null>();
    for (let p = 0; p < PARTITIONS; p++) before.set(p, (await store.peek(p))?.checkpoint?.checkpointId ?? null);
    a.child.kill('SIGCONT');
    await waitFor('a to notice', () => /lost: partition \d+ \(epoch \d+\) was taken over/.test(a.stderr()), 60_000);
    // a tried to commit (a checkpoint due while it slept, or its lost runs' final ones) and was
    // refused; wait until each partition it held has stopped, so every write it would make is made.
    await waitFor(
      'a to be refused a commit',
      () => /no longer held, so checkpoint \d+ is refused|epoch \d+ is stale/.test(a.stderr()),
      60_000,
    );
    await waitFor(
      'a to stop every partition it held',
      () => held.every((p) => new RegExp(`partition ${p}: (stopped at epoch|input ended)`).test(a.stderr())),
      60_000,
    );
    // Nothing a wrote after it woke up landed: a partition's checkpoint is b's, or the one it
    // had before a woke up.
    for (let p = 0; p < PARTITIONS; p++) {
      const s = await store.peek(p);
      if (s?.checkpoint?.writer === aId) expect(s.checkpoint.checkpointId, `partition ${p}`).toBe(before.get(p));
    }
    const counts = await waitFor('every partition to end', () => finalCounts(group), 120_000);
    expectExactlyOnce(counts, count);
    await leaveAll([a, b]);
  }, 300_000);

  it('a member joining mid-run takes its share over by handover, without losing or repeating an event', async () => {
    const group = `join-${Date.now()}`;
    const count = 28_800;
    const graph = writeGraph('join', count, 1200);
    const ms = [member(graph, group), member(graph, group)];
    await waitFor(
      '12 partitions over 2 members',
      async () => {
        const o = await allOwned(group);
        return o && new Set([...o.values()].map((x) => x.owner)).size === 2;
      },
      60_000,
    );
    await checkpointed(group, 2);
    const t0 = performance.now();
    const c = member(graph, group);
    ms.push(c);
    const cId = await waitFor('the newcomer id', () => memberIdOf(c), 60_000);
    await waitFor(
      'the newcomer to hold 4 partitions',
      async () => {
        const o = await allOwned(group);
        return o && [...o.values()].filter((x) => x.owner === cId).length === 4;
      },
      60_000,
    );
    console.log(`rebalance after a join: ${Math.round(performance.now() - t0)} ms (process start included)`);
    const counts = await waitFor('every partition to end', () => finalCounts(group), 120_000);
    expectExactlyOnce(counts, count);
    await leaveAll(ms);
    for (const m of ms) expect(await m.exited).toBe(0);
  }, 300_000);
});
