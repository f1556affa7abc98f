import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupMember, type HeldLease } from '../../../../engine/scaleout/GroupMember.js';
import { startNats, waitFor, type PrivateNats } from '../../../support/natsServer.js';

// Real nats-server (private, on a free port); members in this process, each on its own connection.
let nats: PrivateNats;
const conns: NatsConnection[] = [];
beforeAll(async () => {
  nats = await startNats();
});
afterAll(async () => {
  for (const c of conns) await c.close().catch(() => undefined);
  await nats.stop();
});

let groupSeq = 0;
const TTL = 1500;

/** Who runs which partition, across all members: a second concurrent runner fails the test. */
class Ledger {
  readonly running = new Map<number, string>();
  readonly overlaps: string[] = [];
  readonly epochs = new Map<number, number[]>();
  start(member: string, l: HeldLease): void {
    const other = this.running.get(l.partition);
    if (other) this.overlaps.push(`partition ${l.partition}: ${member} started while ${other} ran it`);
    this.running.set(l.partition, member);
    this.epochs.set(l.partition, [...(this.epochs.get(l.partition) ?? []), l.epoch]);
  }
  stop(member: string, l: HeldLease): void {
    if (this.running.get(l.partition) === member) this.running.delete(l.partition);
  }
}

async function member(group: string, ledger: Ledger, partitions = 12, id?: string): Promise<GroupMember> {
  const nc = await connect({ servers: nats.url });
  conns.push(nc);
  let self = '';
  const m = await GroupMember.join({
    nc,
    group,
    partitions,
    leaseTtlMs: TTL,
    heartbeatMs: 250,
    ...(id ? { memberId: id } : {}),
    onAcquired: async (l) => ledger.start(self, l),
    onRevoked: async (l) => ledger.stop(self, l),
    onLost: (l) => ledger.stop(self, l),
  });
  self = m.id;
  return m;
}

function owners(members: readonly GroupMember[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const m of members) for (const h of m.holdings()) out.set(h.partition, m.id);
  return out;
}

describe('GroupMember', () => {
  it('three members share twelve partitions, four each, each partition held by one member', async () => {
    const group = `g${++groupSeq}-${Date.now()}`;
    const ledger = new Ledger();
    const ms = [await member(group, ledger), await member(group, ledger), await member(group, ledger)];
    await waitFor('an even spread', () => ms.every((m) => m.holdings().length === 4) && owners(ms).size === 12);
    expect(ledger.overlaps).toEqual([]);
    for (const m of ms) m.close();
  });

  it('a member that dies loses its partitions to the others within the lease TTL, under higher epochs', async () => {
    const group = `g${++groupSeq}-${Date.now()}`;
    const ledger = new Ledger();
    const ms = [await member(group, ledger), await member(group, ledger), await member(group, ledger)];
    await waitFor('an even spread', () => owners(ms).size === 12 && ms.every((m) => m.holdings().length === 4));
    const dead = ms[2]!;
    const orphaned = dead.holdings();
    dead.close(); // like SIGKILL: no release, the leases just stop being renewed
    ledger.running.forEach((who, p) => who === dead.id && ledger.running.delete(p));
    const t0 = performance.now();
    const rest = ms.slice(0, 2);
    await waitFor('the takeover', () => owners(rest).size === 12, 10_000);
    const took = performance.now() - t0;
    expect(took).toBeLessThan(TTL + 2000);
    for (const o of orphaned) {
      const now = rest.flatMap((m) => m.holdings()).find((h) => h.partition === o.partition)!;
      expect(now.epoch).toBe(o.epoch + 1);
    }
    expect(rest.map((m) => m.holdings().length).sort()).toEqual([6, 6]);
    expect(ledger.overlaps).toEqual([]);
    for (const m of rest) m.close();
  });

  it('a joining member takes partitions over by handover: the old owner finishes before the new one starts', async () => {
    const group = `g${++groupSeq}-${Date.now()}`;
    const ledger = new Ledger();
    const ms = [await member(group, ledger), await member(group, ledger)];
    await waitFor('two owners', () => owners(ms).size === 12);
    ms.push(await member(group, ledger));
    await waitFor(
      'three owners, four each',
      () => owners(ms).size === 12 && ms.every((m) => m.holdings().length === 4),
    );
    expect(ledger.overlaps).toEqual([]);
    // Handed over, not expired: each moved partition's epoch went up by exactly one.
    for (const [, epochs] of ledger.epochs)
      for (let i = 1; i < epochs.length; i++) expect(epochs[i]).toBe(epochs[i - 1]! + 1);
    for (const m of ms) m.close();
  });

  it('a member that leaves hands everything over and its heartbeat goes', async () => {
    const group = `g${++groupSeq}-${Date.now()}`;
    const ledger = new Ledger();
    const a = await member(group, ledger);
    const b = await member(group, ledger);
    await waitFor('two owners', () => owners([a, b]).size === 12 && b.holdings().length === 6);
    await b.leave();
    expect(b.holdings()).toEqual([]);
    await waitFor('one owner of everything', () => a.holdings().length === 12);
    expect(a.liveMembers().map((m) => m.id)).toEqual([a.id]);
    expect(ledger.overlaps).toEqual([]);
    a.close();
  });

  it('keeps its leases through a stall past the TTL when nobody took them over', async () => {
    const group = `g${++groupSeq}-${Date.now()}`;
    const ledger = new Ledger();
    const lost: string[] = [];
    const nc = await connect({ servers: nats.url });
    conns.push(nc);
    const m = await GroupMember.join({
      nc,
      group,
      partitions: 4,
      leaseTtlMs: TTL,
      heartbeatMs: 250,
      onAcquired: async (l) => ledger.start('m', l),
      onRevoked: async () => undefined,
      onLost: (l, reason) => lost.push(`${l.partition}: ${reason}`),
    });
    await waitFor('four leases', () => m.holdings().length === 4);
    const before = m.holdings();
    // The whole process stalls (a long GC, a starved machine) for longer than the TTL.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, TTL + 1000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(lost).toEqual([]);
    expect(m.holdings()).toEqual(before);
    expect(m.holds(0, before[0]!.epoch)).toBe(true);
    m.close();
  });

  it('refuses a member whose graph has another partition count', async () => {
    const group = `g${++groupSeq}-${Date.now()}`;
    const ledger = new Ledger();
    const a = await member(group, ledger, 12);
    await expect(member(group, ledger, 8)).rejects.toThrow(/has 12 partitions and this graph asks for 8/);
    a.close();
  });

  it('refuses a group name JetStream cannot hold', async () => {
    await expect(member('no spaces', new Ledger())).rejects.toThrow(/group name "no spaces" is not allowed/);
  });
});
