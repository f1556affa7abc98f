// Event time on real worker threads (SPEC §12): watermarks travel from the sources through every
// operator, so a window fires while its sources still run, even when one of its inputs sends no
// events at all (a filter that drops everything) or its source has gone idle.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetricsSnapshot } from '../../../../engine/contract/index.js';
import { startRun } from '../../../../engine/runtime/startRun.js';
import { graphOf, type GraphSpec } from './runGraph.js';

/** Start `spec` with unbounded sources; resolve with the first frame where `ok` holds, then stop. */
async function whileLive(
  spec: GraphSpec,
  ok: (f: MetricsSnapshot) => boolean,
  opts: { maxWorkers?: number; fuse?: boolean } = {},
): Promise<{ hit: MetricsSnapshot | null; frames: MetricsSnapshot[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-et-'));
  writeFileSync(join(dir, 'quiet.jsonl'), '');
  const run = await startRun({
    graph: graphOf(spec),
    baseDir: dir,
    metricsIntervalMs: 100,
    durationMs: 60_000,
    ...opts,
  });
  const frames: MetricsSnapshot[] = [];
  const hit = await new Promise<MetricsSnapshot | null>((resolve) => {
    run.subscribe((e) => {
      if (e.type !== 'metricsPublished') return;
      frames.push(e.snapshot);
      if (ok(e.snapshot)) resolve(e.snapshot);
    });
    void run.done.then(() => resolve(null));
  });
  await run.stop();
  return { hit, frames };
}

const live = { id: 'live', type: 'source.generator', config: { ratePerSec: 2000 } };
const window = { id: 'win', type: 'window', config: { kind: 'tumbling', sizeMs: 100, op: 'count' } };
const sink = { id: 'out', type: 'sink.discard', config: {} };

describe('event time across threads', () => {
  it('fires windows while the run is live when the second input is a filter that drops everything', async () => {
    for (const fuse of [true, false]) {
      const { hit } = await whileLive(
        {
          nodes: [
            live,
            { id: 'other', type: 'source.generator', config: { ratePerSec: 2000 } },
            { id: 'none', type: 'filter', config: { predicate: 'false' } },
            window,
            sink,
          ],
          edges: ['live -> win', 'other -> none', 'none -> win', 'win -> out'],
        },
        // Workers report apart: wait for the filter's edge too, which may report a moment later.
        (f) => f.nodes['win']!.out >= 5 && f.run.status === 'running' && f.edges['e3']!.watermark != null,
        { fuse },
      );
      expect(hit, `fuse ${fuse}`).not.toBeNull();
      expect(hit!.nodes['none']!.out).toBe(0);
      // The filter forwards its source's watermark although it forwards no event.
      expect(hit!.edges['e3']!.watermark).toEqual(expect.any(Number));
      expect(hit!.edges['e3']!.newestTime ?? null).toBeNull();
    }
  }, 60_000);

  it('fires keyed windows of parallelism 2 while the run is live: the watermark reaches every instance', async () => {
    const { hit } = await whileLive(
      {
        nodes: [
          live,
          { id: 'other', type: 'source.generator', config: { ratePerSec: 2000 } },
          { id: 'none', type: 'filter', config: { predicate: 'false' } },
          { id: 'byKey', type: 'keyBy', config: { key: 'key' } },
          { ...window, parallelism: 2 },
          sink,
        ],
        edges: ['live -> byKey', 'other -> none', 'none -> byKey', 'byKey -> win', 'win -> out'],
      },
      (f) => f.nodes['win']!.out >= 20 && f.run.status === 'running',
      { maxWorkers: 2 },
    );
    expect(hit).not.toBeNull();
  }, 60_000);

  it('fires windows while the run is live when the second source is idle, and marks its edge idle', async () => {
    const { hit } = await whileLive(
      {
        nodes: [
          live,
          { id: 'quiet', type: 'source.file', config: { path: 'quiet.jsonl', follow: true, idleTimeoutMs: 300 } },
          window,
          sink,
        ],
        edges: ['live -> win', 'quiet -> win', 'win -> out'],
      },
      (f) => f.nodes['win']!.out >= 5 && f.edges['e2']!.idle === true,
    );
    expect(hit).not.toBeNull();
    expect(hit!.run.status).toBe('running');
  }, 60_000);

  it("fires windows while the run is live when the window's own input idle timeout passes on a quiet input", async () => {
    const { hit } = await whileLive(
      {
        nodes: [
          live,
          { id: 'quiet', type: 'source.file', config: { path: 'quiet.jsonl', follow: true } },
          { ...window, config: { ...window.config, idleTimeoutMs: 300 } },
          sink,
        ],
        edges: ['live -> win', 'quiet -> win', 'win -> out'],
      },
      (f) => f.nodes['win']!.out >= 5 && f.run.status === 'running',
    );
    expect(hit).not.toBeNull();
  }, 60_000);

  it('holds the window back while the second source is quiet and has no idle timeout', async () => {
    const { frames } = await whileLive(
      {
        nodes: [
          live,
          { id: 'quiet', type: 'source.file', config: { path: 'quiet.jsonl', follow: true } },
          window,
          sink,
        ],
        edges: ['live -> win', 'quiet -> win', 'win -> out'],
      },
      (f) => f.nodes['live']!.out >= 3000,
    );
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((f) => f.nodes['win']!.out === 0)).toBe(true);
  }, 60_000);

  it("shows each edge's watermark trailing its newest event time by the source's delay", async () => {
    const { hit } = await whileLive(
      {
        nodes: [{ id: 'live', type: 'source.generator', config: { ratePerSec: 2000, watermarkDelayMs: 250 } }, sink],
        edges: ['live -> out'],
      },
      (f) => f.edges['e1']!.watermark != null && f.edges['e1']!.newestTime != null,
    );
    const e = hit!.edges['e1']!;
    expect(e.newestTime! - e.watermark!).toBeGreaterThanOrEqual(250);
    expect(e.idle).toBe(false);
  }, 60_000);
});
