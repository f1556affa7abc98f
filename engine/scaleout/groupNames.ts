import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { UserError } from '../contract/operator.js';
import { GROUP_NAME } from '../graph/groupNatsUrl.js';

/**
 * Names a group uses in JetStream (issue 15). One group = two KV buckets:
 * - `sluice-group-<name>`: the group's config, member heartbeats and partition leases. Every
 *   member watches it, so it holds only small records.
 * - `sluice-state-<name>`: each partition's latest checkpoint. Read on takeover, never watched.
 */
export { GROUP_NAME };

/** Refuse a group name JetStream cannot hold as part of a bucket name. */
export function checkGroupName(name: string): string {
  if (!GROUP_NAME.test(name))
    throw new UserError(
      `group name "${name}" is not allowed: use 1 to 64 letters, digits, "-" or "_" (it becomes a JetStream bucket name)`,
    );
  return name;
}

export function groupBucket(group: string): string {
  return `sluice-group-${group}`;
}

export function stateBucket(group: string): string {
  return `sluice-state-${group}`;
}

/** KV keys in the group bucket. */
export const keys = {
  config: 'config',
  member: (id: string): string => `member.${id}`,
  lease: (p: number): string => `lease.${p}`,
  checkpoint: (p: number): string => `partition.${p}`,
} as const;

/**
 * A member id: host, pid and a random suffix (a restarted process on the same pid is a new
 * member), in the characters a KV key allows.
 */
export function newMemberId(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9_-]/g, '-')
      .slice(0, 40) || 'host';
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}
