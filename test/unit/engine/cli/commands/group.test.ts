import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupCommand } from '../../../../../engine/cli/commands/group.js';
import { GroupMember } from '../../../../../engine/scaleout/GroupMember.js';
import { startNats, waitFor, type PrivateNats } from '../../../../support/natsServer.js';

let nats: PrivateNats;
let nc: NatsConnection;
beforeAll(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url });
});
afterAll(async () => {
  await nc.close();
  await nats.stop();
});

describe('sluice group', () => {
  it('lists the members and who owns each partition under which epoch', async () => {
    const group = `cli-${Date.now()}`;
    const m = await GroupMember.join({
      nc,
      group,
      partitions: 3,
      leaseTtlMs: 2000,
      memberId: 'host-a-1',
      onAcquired: async () => undefined,
      onRevoked: async () => undefined,
      onLost: () => undefined,
    });
    await waitFor('three leases', () => m.holdings().length === 3);
    m.report(1, { checkpointId: 7, lag: 12 });
    await new Promise((r) => setTimeout(r, 600)); // one heartbeat carries the report
    const lines: string[] = [];
    expect(await groupCommand(group, { url: nats.url, json: false }, (l) => lines.push(l))).toBe(0);
    expect(lines[0]).toBe(`group ${group} on ${nats.url}: 1 live member, 3 of 3 partitions owned`);
    expect(lines.join('\n')).toMatch(/host-a-1 .* 0,1,2 /);
    expect(lines.find((l) => /^\s+1\s/.test(l))).toMatch(/^\s+1\s+host-a-1\s+1\s+\d\.\d s left\s+7\s+12$/);
    const json: string[] = [];
    await groupCommand(group, { url: nats.url, json: true }, (l) => json.push(l));
    const v = JSON.parse(json[0]!) as { partitions: number; leases: Array<{ owner: string; epoch: number }> };
    expect(v.partitions).toBe(3);
    expect(v.leases.map((l) => [l.owner, l.epoch])).toEqual([
      ['host-a-1', 1],
      ['host-a-1', 1],
      ['host-a-1', 1],
    ]);
    m.close();
  });

  it('says so when there is no such group, or no NATS', async () => {
    await expect(groupCommand('nobody-here', { url: nats.url, json: false }, () => undefined)).rejects.toThrow(
      /there is no group "nobody-here"/,
    );
    await expect(groupCommand('x', { url: 'nats://127.0.0.1:1', json: false }, () => undefined)).rejects.toThrow(
      /cannot reach NATS at nats:\/\/127.0.0.1:1/,
    );
  });
});
