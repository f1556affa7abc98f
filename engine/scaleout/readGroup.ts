import type { NatsConnection } from 'nats';
import type { GroupState } from '../contract/EngineApi.js';
import { UserError } from '../contract/operator.js';
import { checkGroupName, groupBucket, keys } from './groupNames.js';
import type { GroupConfig, LeaseRecord, MemberRecord } from './groupRecords.js';
import { decodeRecord } from './groupRecords.js';

/** A group as `sluice group` shows it. */
export interface GroupView {
  group: string;
  partitions: number;
  members: Array<MemberRecord & { live: boolean; heartbeatAgeMs: number }>;
  /** Every partition's lease, as the editor's Group panel receives it. */
  leases: GroupState['leases'];
}

/**
 * Read a group's config, heartbeats and leases from its KV bucket (no watch, no writes).
 * Ages are measured against the server time of the newest entry or this machine's clock,
 * whichever is later. Refuses (UserError) a group that does not exist.
 */
export async function readGroup(nc: NatsConnection, group: string): Promise<GroupView> {
  checkGroupName(group);
  // The bucket's stream: a bound KV view does not check that it exists.
  try {
    await (await nc.jetstreamManager()).streams.info(`KV_${groupBucket(group)}`);
  } catch {
    throw new UserError(`there is no group "${group}" on this NATS (no member has joined it)`);
  }
  const kv = await nc.jetstream().views.kv(groupBucket(group), { bindOnly: true });
  // A watch delivers each key's latest entry, then says it is initialized: one snapshot of the
  // bucket (kv.keys() can come back short while members keep writing).
  const entries = new Map<string, { created: number; value: unknown }>();
  let initialized!: () => void;
  const ready = new Promise<void>((r) => (initialized = r));
  const watch = await kv.watch({ key: '>', initializedFn: () => initialized() });
  const collect = (async () => {
    for await (const e of watch) {
      if (e.operation === 'PUT') entries.set(e.key, { created: e.created.getTime(), value: decodeRecord(e.value) });
      else entries.delete(e.key);
    }
  })();
  await ready;
  watch.stop();
  await collect.catch(() => undefined);
  const config = entries.get(keys.config)?.value as GroupConfig | undefined;
  if (!config) throw new UserError(`group "${group}" has no config yet (a member is joining)`);
  const now = Math.max(Date.now(), ...[...entries.values()].map((e) => e.created));
  const members: GroupView['members'] = [];
  for (const [key, e] of entries) {
    if (!key.startsWith('member.')) continue;
    const m = e.value as MemberRecord;
    members.push({ ...m, live: now - e.created <= m.ttlMs, heartbeatAgeMs: now - e.created });
  }
  members.sort((a, b) => a.id.localeCompare(b.id));
  const reports = new Map<number, { lag: number | null; checkpointId: number | null }>();
  for (const m of members)
    if (m.live)
      for (const p of m.partitions)
        reports.set(p.partition, { lag: p.lag ?? null, checkpointId: p.checkpointId ?? null });
  const leases: GroupView['leases'] = [];
  for (let p = 0; p < config.partitions; p++) {
    const e = entries.get(keys.lease(p));
    const l = e?.value as LeaseRecord | undefined;
    const expiresInMs = e && l && l.owner ? e.created + l.ttlMs - now : null;
    leases.push({
      partition: p,
      owner: l?.owner ?? null,
      epoch: l?.epoch ?? 0,
      live: expiresInMs !== null && expiresInMs >= 0,
      expiresInMs,
      checkpointId: reports.get(p)?.checkpointId ?? null,
      lag: reports.get(p)?.lag ?? null,
    });
  }
  return { group, partitions: config.partitions, members, leases };
}
