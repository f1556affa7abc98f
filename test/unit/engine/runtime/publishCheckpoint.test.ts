import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PublishedCheckpoint } from '../../../../engine/runtime/CheckpointCoordinator.js';
import { startRun } from '../../../../engine/runtime/startRun.js';
import { graphOf } from './runGraph.js';

// startRun's publishCheckpoint: each checkpoint is handed over after SQLite and before sinks
// commit; a refusal ends the run with nothing more committed (a group member's fence).
const graph = (count: number, ratePerSec?: number) =>
  graphOf({
    settings: { checkpointIntervalMs: 100 },
    nodes: [
      { id: 'gen', type: 'source.generator', config: { count, keys: 3, ...(ratePerSec ? { ratePerSec } : {}) } },
      { id: 'agg', type: 'aggregate', config: { op: 'count' } },
      { id: 'out', type: 'sink.file', config: { path: 'out.jsonl' } },
    ],
    edges: ['gen -> agg', 'agg -> out'],
  });

const lineCount = (path: string): number => {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
};

describe('startRun with publishCheckpoint', () => {
  it('hands over every checkpoint in order, the last one marked final, before the sinks commit it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-publish-'));
    const seen: Array<{ id: number; final: boolean; committedLines: number; afterWait: number; nodes: string[] }> = [];
    const run = await startRun({
      // ~1 s of events: several checkpoints, each with output of its own.
      graph: graph(3000, 3000),
      baseDir: dir,
      statePath: join(dir, 'state.db'),
      maxWorkers: 1,
      publishCheckpoint: async (cp: PublishedCheckpoint) => {
        const committedLines = lineCount(join(dir, 'out.jsonl'));
        await new Promise((r) => setTimeout(r, 20));
        seen.push({
          id: cp.id,
          final: cp.final,
          committedLines,
          afterWait: lineCount(join(dir, 'out.jsonl')),
          nodes: cp.snapshots.map((s) => s.nodeId).sort(),
        });
      },
    });
    const result = await run.done;
    expect(result.status).toBe('finished');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.map((s) => s.id)).toEqual([...seen.map((s) => s.id)].sort((a, b) => a - b));
    expect(seen.at(-1)!.final).toBe(true);
    expect(seen[0]!.nodes).toEqual(['agg', 'gen', 'out']);
    // Nothing is committed before the first checkpoint is handed over, and no sink commits while
    // a handover is pending (a periodic checkpoint may already hold all output under load, so the
    // final one's own output can be empty).
    expect(seen[0]!.committedLines).toBe(0);
    for (const s of seen) expect(s.afterWait).toBe(s.committedLines);
    const lines = seen.map((s) => s.committedLines);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(lineCount(join(dir, 'out.jsonl'))).toBe(3000);
  });

  it('ends the run as failed, committing nothing more, when a checkpoint is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-publish-'));
    let handed = 0;
    const run = await startRun({
      graph: graph(100_000, 5000),
      baseDir: dir,
      statePath: join(dir, 'state.db'),
      maxWorkers: 1,
      publishCheckpoint: async () => {
        if (++handed >= 3) throw new Error('partition 0: epoch 1 is stale');
      },
    });
    const result = await run.done;
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/epoch 1 is stale/);
    const committed = lineCount(join(dir, 'out.jsonl'));
    await new Promise((r) => setTimeout(r, 300));
    expect(lineCount(join(dir, 'out.jsonl'))).toBe(committed);
    expect(committed).toBe(run.committedEvents()['out']);
  });
});
