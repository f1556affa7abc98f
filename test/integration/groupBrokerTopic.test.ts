/**
 * A group over a broker-backed topic, as users run it (issue 15): a plain `sluice run` publishes
 * keyed events into a JetStream stream (`topic` with `broker`, routed to `<stream>.<p>`), two
 * `sluice run --group` processes read it by partition into a keyed count and sink.postgres, on a
 * private nats-server. One member is SIGKILLed mid-stream; the other takes its partitions over
 * from their checkpoints in JetStream. The table must hold every running count of every key
 * exactly once (1, 2, … n: a lost event leaves a gap or a short key, a repeated one a
 * duplicate), and `sluice group` must list the survivor holding every partition.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { partitionOf } from '../../engine/runtime/partition.js';
import type { GroupView } from '../../engine/scaleout/readGroup.js';
import { waitFor } from '../support/natsServer.js';
import { memberIdOf, usePrivateNatsRuns, type CliProcess } from './privateNatsRuns.js';
import { runCli } from './sluiceCli.js';

const PARTITIONS = 4;
const KEYS = 20;
const COUNT = 4000;
const RATE = 400;
const TTL = 3000;
const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

const fx = usePrivateNatsRuns('sluice-group-topic-');
const spawnCli = (args: string[], env: Record<string, string> = {}): CliProcess => fx.spawn(args, env);

function writeJson(name: string, graph: object): string {
  const file = path.join(fx.dir, `${name}.sluice.json`);
  fs.writeFileSync(file, JSON.stringify(graph));
  return file;
}
/** Rows of the table: per key, the running counts in the order they were written. */
async function countsByKey(client: pg.Client, table: string): Promise<Map<string, number[]>> {
  const r = await client
    .query<{ key: string; n: number }>(`SELECT key, (value->>'value')::int AS n FROM "${table}" ORDER BY ctid`)
    .catch(() => ({ rows: [] as Array<{ key: string; n: number }> }));
  const out = new Map<string, number[]>();
  for (const row of r.rows) out.set(row.key, [...(out.get(row.key) ?? []), row.n]);
  return out;
}

const rowsIn = (m: Map<string, number[]>): number => [...m.values()].reduce((a, v) => a + v.length, 0);

describe('sluice run --group over a broker-backed topic', () => {
  it('two member processes read a topic by partition; SIGKILL one mid-stream: the other takes its partitions over, every count lands once', async () => {
    const stamp = Date.now();
    const group = `topic-kill-${stamp}`;
    const stream = `grptopic${stamp}`;
    const table = `grp_topic_${stamp}`;
    const producer = writeJson('producer', {
      format: 'sluice/graph',
      version: 1,
      name: 'orders feed',
      settings: { checkpointIntervalMs: 200 },
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: COUNT, keys: KEYS, ratePerSec: RATE } },
        {
          id: 'orders',
          type: 'topic',
          config: { name: 'orders', broker: { url: fx.nats.url, stream, partitions: PARTITIONS } },
        },
      ],
      edges: [{ id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'orders', port: 'in' } }],
    });
    const consumer = writeJson('consumer', {
      format: 'sluice/graph',
      version: 1,
      name: 'orders per key',
      settings: { checkpointIntervalMs: 300, partitions: PARTITIONS },
      nodes: [
        { id: 'orders', type: 'topic', config: { name: 'orders', broker: { url: fx.nats.url, stream } } },
        { id: 'agg', type: 'aggregate', config: { op: 'count' } },
        { id: 'pg', type: 'sink.postgres', config: { url: PG_URL, table } },
      ],
      edges: [
        { id: 'e1', from: { node: 'orders', port: 'out' }, to: { node: 'agg', port: 'in' } },
        { id: 'e2', from: { node: 'agg', port: 'out' }, to: { node: 'pg', port: 'in' } },
      ],
    });
    const memberEnv = { SLUICE_LEASE_TTL_MS: String(TTL), SLUICE_HEARTBEAT_MS: '500' };
    const join = (): CliProcess => spawnCli(['run', consumer, '--group', group, '--url', fx.nats.url], memberEnv);
    const a = join();
    const b = join();
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      const split = await waitFor(
        `${PARTITIONS} partitions over 2 members`,
        async () => {
          const v = await fx.groupView(group);
          if (!v || v.leases.some((l) => !l.live || !l.owner)) return undefined;
          return new Set(v.leases.map((l) => l.owner)).size === 2 ? v : undefined;
        },
        30_000,
      );
      const feed = spawnCli(['run', producer, '--state', path.join(fx.dir, 'producer.db')]);
      // Mid-stream: a quarter of the counts are in the table, from partitions of both members.
      const bId = await waitFor('member b id', () => memberIdOf(b));
      const orphaned = split.leases.filter((l) => l.owner === bId).map((l) => ({ p: l.partition, epoch: l.epoch }));
      expect(orphaned.length).toBeGreaterThan(0);
      const orphanedKeys = (m: Map<string, number[]>): number =>
        [...m].filter(([k]) => orphaned.some(({ p }) => partitionOf(k, PARTITIONS) === p)).length;
      await waitFor(
        'a quarter of the counts, some from b’s partitions',
        async () => {
          const m = await countsByKey(client, table);
          return rowsIn(m) >= COUNT / 4 && orphanedKeys(m) > 0;
        },
        30_000,
      );
      const t0 = Date.now();
      b.child.kill('SIGKILL');
      expect(await b.exited).toBe(null);
      const atKill = rowsIn(await countsByKey(client, table));
      expect(atKill, 'the kill landed mid-stream').toBeLessThan(COUNT);
      const aId = await waitFor('member a id', () => memberIdOf(a));
      await waitFor(
        'a to take b’s partitions over',
        async () => {
          const v = await fx.groupView(group);
          return (
            v !== undefined &&
            orphaned.every(({ p, epoch }) => {
              const l = v.leases[p]!;
              return l.live && l.owner === aId && l.epoch > epoch;
            })
          );
        },
        30_000,
      );
      console.log(`takeover after SIGKILL (polled): ${Date.now() - t0} ms, lease TTL ${TTL} ms`);
      expect(await feed.exited, feed.stderr()).toBe(0);
      const info = await (await fx.nc.jetstreamManager()).streams.info(stream);
      expect(info.state.messages, 'the stream holds each published event once').toBe(COUNT);
      await waitFor('every count in the table', async () => rowsIn(await countsByKey(client, table)) >= COUNT, 60_000);
      // `sluice group` once a has read everything (its heartbeat reports each partition's lag).
      await waitFor(
        'lag 0 on every partition',
        async () => (await fx.groupView(group))?.leases.every((l) => l.lag === 0 && l.owner === aId),
        30_000,
      );
      const listed = await runCli(['group', group, '--url', fx.nats.url, '--json']);
      expect(listed.code, listed.stderr).toBe(0);
      const v = JSON.parse(listed.stdout) as GroupView;
      expect(v.partitions).toBe(PARTITIONS);
      expect(v.members.map((m) => [m.id, m.live]).sort()).toEqual(
        [
          [aId, true],
          [bId, false],
        ].sort(),
      );
      expect(v.members.find((m) => m.id === aId)!.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3]);
      for (const l of v.leases) {
        expect(l.owner, `partition ${l.partition}`).toBe(aId);
        expect(l.live).toBe(true);
        expect(l.lag).toBe(0);
        expect(l.checkpointId).not.toBeNull();
      }
      const human = await runCli(['group', group, '--url', fx.nats.url]);
      expect(human.code, human.stderr).toBe(0);
      expect(human.stdout).toContain(`1 live member, ${PARTITIONS} of ${PARTITIONS} partitions owned`);
      expect(human.stdout).toMatch(new RegExp(`${bId}.*gone`));
      expect(human.stdout).toMatch(new RegExp(`${aId}.*0,1,2,3`));

      // a leaves (its last commits made); then the table holds every count of every key once.
      a.child.kill('SIGTERM');
      expect(await a.exited, a.stderr()).toBe(0);
      const counts = await countsByKey(client, table);
      expect(rowsIn(counts)).toBe(COUNT);
      expect(counts.size).toBe(KEYS);
      for (const [key, ns] of counts) {
        expect(
          [...ns].sort((x, y) => x - y).every((n, i) => n === i + 1),
          `${key}: ${ns.join(',')}`,
        ).toBe(true);
        expect(ns.length, key).toBe(COUNT / KEYS);
      }
      expect(a.stderr(), 'a resumed b’s partitions from b’s checkpoints').toMatch(
        new RegExp(`resumed from checkpoint \\d+ \\(written by ${bId} at epoch \\d+\\)`),
      );
      await client.query(`DROP TABLE "${table}"`);
    } finally {
      await client.end();
    }
  }, 120_000);
});
