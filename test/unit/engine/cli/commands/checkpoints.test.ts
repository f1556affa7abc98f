import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpointsCommand } from '../../../../../engine/cli/commands/checkpoints.js';
import { StateStore } from '../../../../../engine/store/StateStore.js';
import { encodeState } from '../../../../../engine/store/stateCodec.js';

let dir: string;
let dbPath: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-cli-cp-'));
  dbPath = path.join(dir, 'g.db');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(db = dbPath): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = checkpointsCommand(
    db,
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out, err };
}

describe('sluice checkpoints', () => {
  it('prints one row per checkpoint with time, duration, bytes and per-node state sizes', () => {
    const store = StateStore.open(dbPath);
    const started = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    const big = encodeState('x'.repeat(2000));
    const small = encodeState({ offset: 12 });
    store.writeCheckpoint({
      id: 1,
      startedAt: started,
      snapshots: [
        { operatorId: 'o-agg', nodeId: 'agg', type: 'aggregate', configHash: 'h', state: big },
        { operatorId: 'o-gen', nodeId: 'gen', type: 'source.generator', configHash: 'h', state: small },
      ],
    });
    store.writeCheckpoint({ id: 2, startedAt: started + 1000, snapshots: [] });
    // Fixed durations, so the output can be compared exactly.
    store.connection.prepare(`UPDATE checkpoints SET duration_ms = id * 7.4`).run();

    const { code, out, err } = run(); // while the run still holds the store
    store.close();
    expect(code).toBe(0);
    expect(err).toEqual([]);
    const total = big.byteLength + small.byteLength;
    expect(out).toEqual([
      'id  started                   duration   bytes  state per node',
      ` 1  2026-01-02T03:04:05.678Z      7 ms  ${(total / 1000).toFixed(1)} kB  agg ${(big.byteLength / 1000).toFixed(1)} kB, gen ${small.byteLength} B`,
      ' 2  2026-01-02T03:04:06.678Z     15 ms     0 B',
    ]);
  });

  it('says so when the store has no checkpoints', () => {
    StateStore.open(dbPath).close();
    expect(run()).toEqual({ code: 0, out: [`no checkpoints in ${dbPath}`], err: [] });
  });

  it('exits 2 with one clear line when the store does not exist', () => {
    expect(run()).toEqual({ code: 2, out: [], err: [`state store ${dbPath} does not exist`] });
    expect(fs.existsSync(dbPath)).toBe(false);
  });

  it('exits 2 with one clear line when the file is not a state store', () => {
    fs.writeFileSync(dbPath, 'hello, not a database at all '.repeat(50));
    const { code, out, err } = run();
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^state store .*g\.db is not a SQLite database/);
  });
});
