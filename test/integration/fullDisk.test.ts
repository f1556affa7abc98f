/**
 * SPEC §6 / issue 3 item 8: a full disk fails a checkpoint cleanly, the run waits or stops with
 * a clear message, and once space is back the graph finishes exactly-once.
 *
 * The state database lives on a 2 MB tmpfs (needs root and `mount`; fails with the reason
 * otherwise). The first checkpoint of the standard pipeline (~1 MB of staged sink output per
 * 200 ms) does not fit. "Space back" is done by remounting the same tmpfs at 64 MB, so the
 * state store keeps its path, as when a user frees space on the disk.
 *
 * A failed checkpoint write used to hang the run for good: the retry re-used the rolled-back
 * id, which every task ignores as already snapshotted. The coordinator now never reuses an id
 * within a run; the failed id's staged sink output is covered by the next checkpoint, since
 * tasks stage cumulatively.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  changelogByKey,
  computedDifferences,
  integrityCheck,
  linesOf,
  runCli,
  standardPipeline,
  writeGraph,
  type CliResult,
} from './sluiceCli.js';

const COUNT = 40_000;
const KEYS = 50;

let dir: string;
let mountPoint: string;
let mounted = false;
let mountError = '';

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-fulldisk-'));
  mountPoint = path.join(dir, 'small');
  fs.mkdirSync(mountPoint);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint], { stdio: 'pipe' });
    mounted = true;
  } catch (error) {
    mounted = false;
    mountError = String((error as { stderr?: Buffer }).stderr ?? error).trim();
  }
});

afterEach(() => {
  if (mounted) execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
  mounted = false;
  fs.rmSync(dir, { recursive: true, force: true });
});

function growDisk(): void {
  execFileSync('mount', ['-o', 'remount,size=64m', mountPoint], { stdio: 'pipe' });
}

function setup(): { graph: string; state: string } {
  const graph = writeGraph(
    dir,
    standardPipeline({
      count: COUNT,
      ratePerSec: 20_000,
      keys: KEYS,
      checkpointIntervalMs: 200,
      totalsDb: 'out/totals.db',
    }),
  );
  return { graph, state: path.join(mountPoint, 'state.db') };
}

/**
 * Run until stderr reports the full disk; then `onFull` (after `afterFullMs`), and SIGKILL if
 * the run is still alive `giveUpMs` later. Resolves with the run's result.
 */
function runIntoFullDisk(
  graph: string,
  state: string,
  o: { afterFullMs: number; onFull: () => void; giveUpMs: number },
): Promise<CliResult & { sawFull: boolean; gaveUp: boolean }> {
  let sawFull = false;
  let gaveUp = false;
  return runCli(['run', graph, '--state', state], {
    cwd: dir,
    timeoutMs: 60_000,
    onStderr: (_chunk, child) => {
      if (sawFull || !/disk is full/.test(_chunk)) return;
      sawFull = true;
      setTimeout(() => {
        o.onFull();
        setTimeout(() => {
          if (child.exitCode === null && child.signalCode === null) {
            gaveUp = true;
            child.kill('SIGKILL');
          }
        }, o.giveUpMs);
      }, o.afterFullMs);
    },
  }).then((r) => ({ ...r, sawFull, gaveUp }));
}

describe('a full disk under the state store', () => {
  it('a failed checkpoint is one clear line, the store stays sound, and with space back a rerun finishes exactly-once', async () => {
    expect(mounted, `cannot mount a 2 MB tmpfs (needs root): ${mountError}`).toBe(true);
    const { graph, state } = setup();
    // The run is given 4 s after the first failure to stop by itself; the hang bug (see the
    // header) keeps it alive, so it may end by SIGKILL here. Either way nothing may be lost.
    const r = await runIntoFullDisk(graph, state, { afterFullMs: 0, onFull: () => {}, giveUpMs: 4000 });
    expect(r.sawFull, r.stderr).toBe(true);
    const lines = linesOf(r.stderr);
    expect(lines.length).toBeGreaterThan(0);
    expect(r.stderr, r.stderr).not.toMatch(/^\s+at /m);
    const full = lines.find((l) => /disk is full/.test(l))!;
    expect(full).toMatch(/checkpoint \d+ (failed|could not be written)/);
    expect(full).toContain(state);
    if (!r.gaveUp) expect(r.code).not.toBe(0); // it stopped: with a failure status

    expect(integrityCheck(state)).toEqual(['ok']);
    growDisk();
    const rerun = await runCli(['run', graph, '--state', state], { cwd: dir, timeoutMs: 30_000 });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(computedDifferences(changelogByKey(path.join(dir, 'out', 'changelog.jsonl')), COUNT, KEYS)).toEqual([]);
    expect(integrityCheck(state)).toEqual(['ok']);
  }, 60_000);

  it('a run that meets a full disk retries its checkpoint and ends by itself once space is back (hangs today: checkpoint id reused)', async () => {
    expect(mounted, `cannot mount a 2 MB tmpfs (needs root): ${mountError}`).toBe(true);
    const { graph, state } = setup();
    // Space comes back 1 s after the first failure; the run then has 8 s to finish (the
    // source alone needs 2 s in all) — or to have stopped with a clear failure before.
    const r = await runIntoFullDisk(graph, state, { afterFullMs: 1000, onFull: growDisk, giveUpMs: 8000 });
    expect(r.sawFull, r.stderr).toBe(true);
    expect(r.gaveUp, `the run hung after the failed checkpoint:\n${r.stderr}`).toBe(false);
    if (r.code !== 0) {
      expect(linesOf(r.stderr).at(-1)).toMatch(/run failed: .*disk is full/);
      const rerun = await runCli(['run', graph, '--state', state], { cwd: dir, timeoutMs: 30_000 });
      expect(rerun.code, rerun.stderr).toBe(0);
    }
    expect(computedDifferences(changelogByKey(path.join(dir, 'out', 'changelog.jsonl')), COUNT, KEYS)).toEqual([]);
  }, 60_000);
});
