import { connectNats, shownUrl } from '../../scaleout/connectNats.js';
import { readGroup, type GroupView } from '../../scaleout/readGroup.js';
import { formatTable } from './formatTable.js';

/**
 * `sluice group <name> [--url <nats>] [--json]`: a group's members (heartbeat age, partitions)
 * and its partitions (owner, epoch, lease, last checkpoint, lag), read from JetStream KV.
 *
 * @returns the exit code: 0 listed; 1 no such group or NATS unreachable (the reason on stderr)
 */
export async function groupCommand(
  group: string,
  o: { url: string; json: boolean },
  out: (line: string) => void,
): Promise<number> {
  const nc = await connectNats(o.url, `sluice group ${group}`);
  try {
    const view = await readGroup(nc, group);
    if (o.json) out(JSON.stringify(view));
    else for (const line of describeGroup(view, shownUrl(o.url))) out(line);
    return 0;
  } finally {
    await nc.close();
  }
}

/** The human form: a summary line, the members, the partitions. */
export function describeGroup(v: GroupView, url: string): string[] {
  const live = v.members.filter((m) => m.live);
  const owned = v.leases.filter((l) => l.live).length;
  const lines = [
    `group ${v.group} on ${url}: ${live.length} live member${live.length === 1 ? '' : 's'}, ${owned} of ${v.partitions} partitions owned`,
    '',
  ];
  lines.push(
    ...formatTable(
      ['member', 'host', 'pid', 'partitions', 'heartbeat'],
      v.members.map((m) => [
        m.id,
        m.host,
        String(m.pid),
        m.partitions.map((p) => p.partition).join(',') || '-',
        m.live
          ? `${seconds(m.heartbeatAgeMs)} ago${m.leaving ? ' (leaving)' : ''}`
          : `gone (${seconds(m.heartbeatAgeMs)} ago)`,
      ]),
      [false, false, true, false, false],
    ),
  );
  lines.push('');
  lines.push(
    ...formatTable(
      ['partition', 'owner', 'epoch', 'lease', 'checkpoint', 'lag'],
      v.leases.map((l) => [
        String(l.partition),
        l.owner ?? '-',
        String(l.epoch),
        l.owner === null ? 'free' : l.live ? `${seconds(l.expiresInMs ?? 0)} left` : 'expired',
        l.checkpointId === null ? '-' : String(l.checkpointId),
        l.lag === null ? '-' : String(l.lag),
      ]),
      [true, false, true, false, true, true],
    ),
  );
  return lines;
}

function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}
