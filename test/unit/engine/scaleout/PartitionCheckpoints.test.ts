import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachePartitionCheckpoint, readOutbox } from '../../../../engine/scaleout/cachePartitionCheckpoint.js';
import { PartitionCheckpoints, StaleEpochError } from '../../../../engine/scaleout/PartitionCheckpoints.js';
import { StateStore, type SnapshotInput } from '../../../../engine/store/StateStore.js';
import { startNats, type PrivateNats } from '../../../support/natsServer.js';

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

let seq = 0;
const group = (): string => `cp${++seq}-${Date.now()}`;

function snap(state: string | Uint8Array, nodeId = 'agg'): SnapshotInput {
  return {
    operatorId: `op-${nodeId}`,
    instance: 0,
    nodeId,
    type: 'aggregate',
    configHash: 'h1',
    state: typeof state === 'string' ? new TextEncoder().encode(state) : state,
  };
}

const text = (s: SnapshotInput | undefined): string => new TextDecoder().decode(s?.state);

describe('PartitionCheckpoints', () => {
  it('gives the next owner the last checkpoint its predecessor wrote', async () => {
    const g = group();
    const a = await (await PartitionCheckpoints.open(nc, g, 'a')).claim(3, 1);
    expect(a.restored).toBeNull();
    await a.write({ checkpointId: 1, startedAt: 10, sourceSequence: 5, snapshots: [snap('one')] });
    await a.write({ checkpointId: 2, startedAt: 20, sourceSequence: 9, snapshots: [snap('two')] });
    const b = await (await PartitionCheckpoints.open(nc, g, 'b')).claim(3, 2);
    expect(b.restored?.checkpointId).toBe(2);
    expect(b.restored?.epoch).toBe(1);
    expect(b.restored?.writer).toBe('a');
    expect(b.restored?.sourceSequence).toBe(9);
    expect(text(b.restored?.snapshots[0])).toBe('two');
  });

  it('refuses every write of the old owner once the new one has claimed the partition', async () => {
    const g = group();
    const a = await (await PartitionCheckpoints.open(nc, g, 'a')).claim(0, 1);
    await a.write({ checkpointId: 1, startedAt: 1, sourceSequence: 1, snapshots: [snap('a1')] });
    const store = await PartitionCheckpoints.open(nc, g, 'b');
    const b = await store.claim(0, 2);
    await expect(
      a.write({ checkpointId: 2, startedAt: 2, sourceSequence: 2, snapshots: [snap('a2')] }),
    ).rejects.toThrow(StaleEpochError);
    // Refused at once from then on, and nothing of it landed.
    await expect(
      a.write({ checkpointId: 3, startedAt: 3, sourceSequence: 3, snapshots: [snap('a3')] }),
    ).rejects.toThrow(/epoch 1 is stale \(the partition is at epoch 2 now\)/);
    await b.write({ checkpointId: 2, startedAt: 2, sourceSequence: 2, snapshots: [snap('b2')] });
    const now = await store.peek(0);
    expect(now?.epoch).toBe(2);
    expect(text(now?.checkpoint?.snapshots[0])).toBe('b2');
  });

  it('refuses a claim under an epoch older than the partition has seen', async () => {
    const g = group();
    const store = await PartitionCheckpoints.open(nc, g, 'a');
    await store.claim(1, 5);
    await expect(store.claim(1, 4)).rejects.toThrow(StaleEpochError);
  });

  it('keeps a large checkpoint in the object store, checked on restore', async () => {
    const g = group();
    const big = new Uint8Array(600_000).map((_, i) => (i * 31) & 0xff);
    const a = await (await PartitionCheckpoints.open(nc, g, 'a')).claim(2, 1);
    await a.write({ checkpointId: 7, startedAt: 1, sourceSequence: null, snapshots: [snap(big)] });
    await a.write({
      checkpointId: 8,
      startedAt: 2,
      sourceSequence: null,
      snapshots: [snap(big), snap('small', 'src')],
    });
    const b = await (await PartitionCheckpoints.open(nc, g, 'b')).claim(2, 2);
    expect(b.restored?.checkpointId).toBe(8);
    expect(Buffer.from(b.restored!.snapshots[0]!.state).equals(Buffer.from(big))).toBe(true);
    expect(text(b.restored?.snapshots[1])).toBe('small');
  });

  it('restores into a member’s local SQLite cache as its latest checkpoint', async () => {
    const g = group();
    const a = await (await PartitionCheckpoints.open(nc, g, 'a')).claim(4, 1);
    await a.write({ checkpointId: 12, startedAt: 5, sourceSequence: 3, snapshots: [snap('state-12')] });
    const b = await (await PartitionCheckpoints.open(nc, g, 'b')).claim(4, 2);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-cache-'));
    const db = path.join(dir, 'p4.db');
    cachePartitionCheckpoint(db, b.restored);
    const store = StateStore.open(db);
    try {
      const latest = store.latestCheckpoint();
      expect(latest?.id).toBe(12);
      expect(new TextDecoder().decode(latest?.snapshots.get('op-agg')?.states[0])).toBe('state-12');
    } finally {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cachePartitionCheckpoint', () => {
  it('gives the cache the partition’s lineage as store id, and the sinks’ unsent records under their seqs', async () => {
    const g = group();
    const a = await (await PartitionCheckpoints.open(nc, g, 'a')).claim(5, 1);
    const row = { sinkId: 'op-out-0', checkpointId: 3, key: 'k1', time: 1, payload: '{"n":1}', subject: null };
    await a.write({
      checkpointId: 3,
      startedAt: 1,
      sourceSequence: null,
      snapshots: [snap('s3')],
      outbox: {
        rows: [
          { ...row, seq: 41, id: 'e-41' },
          { ...row, seq: 42, id: 'e-42' },
        ],
        lastSeq: 57,
      },
    });
    const b = await (await PartitionCheckpoints.open(nc, g, 'b')).claim(5, 2);
    expect(b.restored?.outbox.rows.map((r) => r.seq)).toEqual([41, 42]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-cache-'));
    const db = path.join(dir, 'p5.db');
    cachePartitionCheckpoint(db, b.restored, 'group:g:partition:5');
    const store = StateStore.open(db);
    try {
      expect(store.storeId).toBe('group:g:partition:5');
      const out = readOutbox(store.connection, 3);
      expect(out.rows.map((r) => [r.seq, r.id])).toEqual([
        [41, 'e-41'],
        [42, 'e-42'],
      ]);
      expect(out.lastSeq).toBe(57);
      // A record written now continues after the last seq the previous owner assigned.
      store.connection
        .prepare(
          `INSERT INTO outbox (sink_id, checkpoint_id, id, key, time, payload) VALUES ('op-out-0', NULL, 'e-new', 'k', 1, '1')`,
        )
        .run();
      const seq = store.connection.prepare(`SELECT seq FROM outbox WHERE id = 'e-new'`).get() as { seq: number };
      expect(seq.seq).toBe(58);
    } finally {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
