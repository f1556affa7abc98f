/**
 * "Run as group member" through the web host's API (issue 15 item 5): the real `sluice serve`
 * over its WebSocket, the real NATS on 4222, a real `sluice run --group` process as the second
 * member. Each test has a group name of its own, so runs of the suite never meet.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupRunStarted, GroupState } from '../../engine/contract/EngineApi.js';
import { startNats, waitFor } from '../support/natsServer.js';
import { serve, type ServedHost } from './serveClient.js';
import { CLI } from './sluiceCli.js';

const NATS = 'nats://127.0.0.1:4222';
const PARTITIONS = 6;
const TIMES = { SLUICE_LEASE_TTL_MS: '3000', SLUICE_HEARTBEAT_MS: '500' };

let dir: string;
let host: ServedHost;
const children: ChildProcess[] = [];
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-group-api-'));
  // The host's members take their lease times from its environment, as the CLI's do.
  for (const [k, v] of Object.entries(TIMES)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  host = await serve(dir);
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await host?.close();
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  fs.rmSync(dir, { recursive: true, force: true });
});

const groupName = (what: string): string => `ui-${what}-${randomBytes(4).toString('hex')}`;

/** A keyed count over a slow generator into sink.discard: it runs until stopped. */
function graph(name: string, settings: Record<string, unknown> = { partitions: PARTITIONS }) {
  return {
    format: 'sluice/graph',
    version: 1,
    name,
    settings: { checkpointIntervalMs: 500, ...settings },
    nodes: [
      { id: 'gen', type: 'source.generator', config: { count: 1_000_000, keys: 24, ratePerSec: 200 } },
      { id: 'agg', type: 'aggregate', config: { op: 'count' } },
      { id: 'out', type: 'sink.discard', config: {} },
    ],
    edges: [
      { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'agg', port: 'in' } },
      { id: 'e2', from: { node: 'agg', port: 'out' }, to: { node: 'out', port: 'in' } },
    ],
  };
}

function saveGraph(g: ReturnType<typeof graph>): string {
  const file = path.join(dir, `${g.name}.sluice.json`);
  fs.writeFileSync(file, JSON.stringify(g));
  return file;
}

async function state(group: string): Promise<GroupState | undefined> {
  try {
    return (await host.call('readGroup', { group, natsUrl: NATS })) as GroupState;
  } catch {
    return undefined;
  }
}

/** Owners per member id, once every partition has a live lease. */
async function owners(group: string): Promise<Map<string, number[]> | undefined> {
  const s = await state(group);
  if (!s || s.leases.some((l) => !l.live || l.owner === null)) return undefined;
  const by = new Map<string, number[]>();
  for (const l of s.leases) by.set(l.owner!, [...(by.get(l.owner!) ?? []), l.partition]);
  return by;
}

function cliMember(file: string, group: string, url = NATS): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, 'run', file, '--group', group, '--url', url], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...TIMES },
  });
  children.push(child);
  child.stderr!.resume();
  return { child, exited: new Promise((r) => child.once('exit', (code) => r(code))) };
}

describe('the editor API: a run as a group member (web host, real NATS)', () => {
  it('joins, shares the partitions with a CLI member, and hands them over when stopped', async () => {
    const group = groupName('share');
    const g = graph('shared');
    const file = saveGraph(g);
    const started = (await host.call('startGroupRun', {
      graph: g,
      path: file,
      trusted: true,
      group,
      natsUrl: NATS,
    })) as GroupRunStarted;
    expect(started).toMatchObject({ group, partitions: PARTITIONS, natsUrl: NATS });
    expect(started.runId).toMatch(/^group-/);

    // Alone, it owns every partition.
    const alone = await waitFor(
      'the editor member owning every partition',
      async () => {
        const o = await owners(group);
        return o?.size === 1 && o.get(started.memberId)?.length === PARTITIONS ? o : undefined;
      },
      30_000,
    );
    expect([...alone.keys()]).toEqual([started.memberId]);
    const first = (await state(group))!;
    expect(first.partitions).toBe(PARTITIONS);
    expect(first.members.map((m) => m.id)).toEqual([started.memberId]);
    expect(first.members[0]!.live).toBe(true);
    expect(first.leases.every((l) => l.epoch >= 1)).toBe(true);

    // A second member from the command line: the partitions are split between the two.
    const cli = cliMember(file, group);
    const split = await waitFor(
      'the partitions split between the two members',
      async () => {
        const o = await owners(group);
        return o?.size === 2 && [...o.values()].every((ps) => ps.length === PARTITIONS / 2) ? o : undefined;
      },
      60_000,
    );
    expect(split.has(started.memberId)).toBe(true);

    // Stop the editor's member: it leaves, and the CLI member takes everything over.
    await host.call('stopRun', started.runId);
    const after = await waitFor(
      'the CLI member owning every partition',
      async () => {
        const s = await state(group);
        const o = await owners(group);
        return s &&
          o?.size === 1 &&
          !o.has(started.memberId) &&
          !s.members.some((m) => m.id === started.memberId && m.live)
          ? o
          : undefined;
      },
      30_000,
    );
    expect([...after.values()][0]).toHaveLength(PARTITIONS);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('refuses a graph without settings.partitions, naming the setting', async () => {
    const g = graph('unsplit', {});
    await expect(
      host.call('startGroupRun', { graph: g, path: saveGraph(g), trusted: true, group: groupName('none') }),
    ).rejects.toThrow(/no settings\.partitions/);
  });

  it('says which NATS it cannot reach, for a run and for reading a group', async () => {
    const g = graph('nowhere');
    const file = saveGraph(g);
    const nowhere = 'nats://127.0.0.1:1';
    await expect(
      host.call('startGroupRun', { graph: g, path: file, trusted: true, group: groupName('down'), natsUrl: nowhere }),
    ).rejects.toThrow(/Cannot reach NATS at nats:\/\/127\.0\.0\.1:1/);
    await expect(host.call('readGroup', { group: groupName('down'), natsUrl: nowhere })).rejects.toThrow(
      /Cannot reach NATS at nats:\/\/127\.0\.0\.1:1/,
    );
  });

  it('says when a group does not exist, and refuses a name JetStream cannot hold', async () => {
    await expect(host.call('readGroup', { group: groupName('absent'), natsUrl: NATS })).rejects.toThrow(
      /There is no group "ui-absent-[0-9a-f]+" on this NATS/,
    );
    await expect(host.call('readGroup', { group: 'no spaces', natsUrl: NATS })).rejects.toThrow(
      /Group name "no spaces" is not allowed/,
    );
  });

  it("takes the NATS from the graph's connections when none is named", async () => {
    const group = groupName('conn');
    const g = { ...graph('connected'), connections: { bus: { url: NATS } } };
    const started = (await host.call('startGroupRun', {
      graph: g,
      path: saveGraph(g),
      trusted: true,
      group,
    })) as GroupRunStarted;
    expect(started.natsUrl).toBe(NATS);
    const s = await waitFor(
      'the member in the group',
      async () => ((await state(group))?.members.length === 1 ? state(group) : undefined),
      30_000,
    );
    expect(s!.members[0]!.id).toBe(started.memberId);
    // Read by the connection's name, as the editor's dialog offers it.
    const byName = (await host.call('readGroup', { group, natsUrl: 'bus', graph: g })) as GroupState;
    expect(byName.members.map((m) => m.id)).toEqual([started.memberId]);
    await host.call('stopRun', started.runId);
  });

  it('says so when the NATS of a group it was reading goes away', async () => {
    // A NATS of its own: this test kills it.
    const nats = await startNats();
    try {
      const group = groupName('gone');
      const cli = cliMember(saveGraph(graph('gone')), group, nats.url);
      const read = () => host.call('readGroup', { group, natsUrl: nats.url }) as Promise<GroupState>;
      await waitFor(
        'the CLI member in the group',
        async () => (await read().catch(() => null))?.members.length === 1,
        30_000,
      );
      await nats.stop();
      const started = Date.now();
      await expect(read()).rejects.toThrow(
        new RegExp(
          `NATS at nats://127\\.0\\.0\\.1:${nats.port} did not answer within 3 s; is it running\\?|Cannot reach NATS`,
        ),
      );
      expect(Date.now() - started).toBeLessThan(15_000);
      cli.child.kill('SIGKILL');
      await cli.exited;
    } finally {
      await nats.stop();
    }
  });
});
