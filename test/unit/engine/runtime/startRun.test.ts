import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startRun } from '../../../../engine/runtime/startRun.js';
import { graphOf, runToEnd } from './runGraph.js';

const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter(Boolean);

describe('startRun on real worker threads', () => {
  it('reports a window’s watermark with the newest event time it has seen (historical times, not the clock)', async () => {
    const start = Date.UTC(2023, 5, 1);
    const g = graphOf({
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 2000, timeExpression: `${start} + i * 10` } },
        { id: 'win', type: 'window', config: { sizeMs: 1000, op: 'count', watermarkDelayMs: 500 } },
        { id: 'out', type: 'sink.discard', config: {} },
      ],
      edges: ['gen -> win', 'win -> out'],
    });
    const r = await runToEnd(g, { maxWorkers: 2 });
    expect(r.result.status).toBe('finished');
    const withTimes = r.frames.map((f) => f.nodes['win']!).filter((n) => n.watermark !== null);
    expect(withTimes.length).toBeGreaterThan(0);
    for (const n of withTimes) {
      expect(n.eventTime).toBeGreaterThanOrEqual(n.watermark! + 500);
      expect(n.eventTime).toBeLessThanOrEqual(start + 1999 * 10);
    }
  });

  for (const fuse of [true, false]) {
    it(`counts on every edge equal the events that crossed it (fusion ${fuse ? 'on' : 'off'})`, async () => {
      const g = graphOf({
        nodes: [
          { id: 'gen', type: 'source.generator', config: { count: 20000, keys: 7 } },
          { id: 'even', type: 'filter', config: { predicate: 'value.seq % 2 === 0' } },
          { id: 'sq', type: 'map', config: { expression: 'value.seq * value.seq' } },
          { id: 'out', type: 'sink.file', config: { path: 'out.jsonl' } },
        ],
        edges: ['gen -> even', 'even -> sq', 'sq -> out'],
      });
      const r = await runToEnd(g, { fuse, maxWorkers: 2 });
      expect(r.result.status).toBe('finished');
      expect(r.last.edges['e1']!.total).toBe(20000);
      expect(r.last.edges['e2']!.total).toBe(10000);
      expect(r.last.edges['e3']!.total).toBe(10000);
      expect(r.last.nodes['out']!.in).toBe(10000);
      const out = lines(join(r.dir, 'out.jsonl')).map(Number);
      expect(out).toHaveLength(10000);
      expect(out[3]).toBe(36);
    });
  }

  it('keeps per-key order with parallelism 3 behind a reshuffle', async () => {
    const g = graphOf({
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 30000, keys: 13 } },
        { id: 'id', type: 'map', config: { expression: '({ key, seq: value.seq })' }, parallelism: 3 },
        { id: 'out', type: 'sink.file', config: { path: 'out.jsonl' } },
      ],
      edges: ['gen -> id', 'id -> out'],
    });
    const r = await runToEnd(g, { maxWorkers: 2 });
    expect(r.result.status).toBe('finished');
    const rows = lines(join(r.dir, 'out.jsonl')).map((l) => JSON.parse(l) as { key: string; seq: number });
    expect(rows).toHaveLength(30000);
    const lastSeq = new Map<string, number>();
    for (const row of rows) {
      expect(row.seq).toBeGreaterThan(lastSeq.get(row.key) ?? -1);
      lastSeq.set(row.key, row.seq);
    }
  });

  it('fires every open window when the sources end', async () => {
    const g = graphOf({
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 1000, keys: 2, timeExpression: 'i * 10' } },
        { id: 'w', type: 'window', config: { kind: 'tumbling', sizeMs: 1000, op: 'count' } },
        { id: 'out', type: 'sink.file', config: { path: 'w.jsonl' } },
      ],
      edges: ['gen -> w', 'w -> out'],
    });
    const r = await runToEnd(g);
    const rows = lines(join(r.dir, 'w.jsonl')).map((l) => JSON.parse(l) as { key: string; count: number });
    // 1000 events over 10 s of event time: 10 windows per key, 50 events each.
    expect(rows).toHaveLength(20);
    expect(rows.every((x) => x.count === 50)).toBe(true);
  });

  it('reports the longest operator pause of each checkpoint, within the checkpoint’s duration', async () => {
    // 20k keys of aggregate state: its snapshot and encoding take measurable time.
    const g = graphOf({
      settings: { checkpointIntervalMs: 100 },
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 200_000, keys: 20_000, ratePerSec: 100_000 } },
        { id: 'agg', type: 'aggregate', config: { op: 'count' } },
        { id: 'out', type: 'sink.file', config: { path: 'out.jsonl' } },
      ],
      edges: ['gen -> agg', 'agg -> out'],
    });
    const r = await runToEnd(g, { maxWorkers: 2 });
    expect(r.result.status).toBe('finished');
    const seen = r.frames.map((f) => f.run.checkpoints).filter((c) => c.lastId !== null);
    expect(seen.length).toBeGreaterThan(0);
    for (const c of seen) {
      expect(c.lastPauseMs).toEqual(expect.any(Number));
      expect(c.lastPauseMs!).toBeGreaterThanOrEqual(0);
      expect(c.lastPauseMs!).toBeLessThanOrEqual(c.lastDurationMs! + 1);
    }
    expect(Math.max(...seen.map((c) => c.lastPauseMs!))).toBeGreaterThan(0.5);
  });

  it('blocks producers instead of growing queues past their capacity', async () => {
    const g = graphOf({
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 3000 } },
        { id: 'slow', type: 'throttle', config: { ratePerSec: 1000, mode: 'delay' } },
        { id: 'out', type: 'sink.file', config: { path: 'o.jsonl' } },
      ],
      edges: ['gen -> slow : 64', 'slow -> out'],
    });
    const r = await runToEnd(g, { fuse: false, maxWorkers: 2 });
    expect(r.result.status).toBe('finished');
    const busy = r.frames.filter((f) => f.edges['e1']!.total < 3000 && f.edges['e1']!.total > 0);
    expect(busy.length).toBeGreaterThan(3);
    // Queue plus one turn's outbox never exceeds capacity: the sender only sends against credit.
    for (const f of busy) expect(f.edges['e1']!.queued).toBeLessThanOrEqual(64);
    expect(Math.max(...busy.map((f) => f.edges['e1']!.backpressure))).toBeGreaterThan(0.5);
    expect(lines(join(r.dir, 'o.jsonl'))).toHaveLength(3000);
  });

  it('sends a throwing expression to the dead letters and goes on', async () => {
    const g = graphOf({
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 100 } },
        { id: 'bad', type: 'map', config: { expression: 'value.seq === 7 ? null.x : value.seq' } },
        { id: 'out', type: 'sink.file', config: { path: 'o.jsonl' } },
      ],
      edges: ['gen -> bad', 'bad -> out'],
    });
    const r = await runToEnd(g);
    expect(r.result.status).toBe('finished');
    expect(r.last.nodes['bad']!.errors).toBe(1);
    expect(lines(join(r.dir, 'o.jsonl'))).toHaveLength(99);
  });

  it('stops on request with a final checkpoint and status stopped', async () => {
    const g = graphOf({
      nodes: [
        { id: 'gen', type: 'source.generator', config: { ratePerSec: 5000 } },
        { id: 'out', type: 'sink.file', config: { path: 'o.jsonl' } },
      ],
      edges: ['gen -> out'],
    });
    const r = await runToEnd(g, { durationMs: 1000 });
    expect(r.result.status).toBe('stopped');
    const written = lines(join(r.dir, 'o.jsonl')).length;
    // How many depends on how fast workers start on a busy machine; that all of them are
    // written, and nothing more, does not.
    expect(written).toBeGreaterThan(0);
    expect(written).toBe(r.last.nodes['out']!.in);
    expect(written).toBe(r.last.nodes['gen']!.out);
  });

  it('restarts from the last checkpoint when a worker dies', async () => {
    const g = graphOf({
      settings: { checkpointIntervalMs: 100 },
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 4000, ratePerSec: 8000 } },
        {
          id: 'boom',
          type: 'function',
          // Dies once: the marker file survives the restart, the worker does not.
          config: {
            code: `const fs = process.getBuiltinModule('node:fs');
              if (event.value.seq === 2000 && !fs.existsSync('died')) { fs.writeFileSync('died', ''); process.exit(3); }
              return event.value.seq;`,
          },
        },
        { id: 'out', type: 'sink.file', config: { path: 'o.jsonl' } },
      ],
      edges: ['gen -> boom', 'boom -> out'],
    });
    const dir = mkdtempSync(join(tmpdir(), 'sluice-crash-'));
    const cwd = process.cwd();
    process.chdir(dir);
    const r = await runToEnd(g, { maxWorkers: 1, dir }).finally(() => process.chdir(cwd));
    expect(r.result).toEqual({ status: 'finished' });
    const restarted = r.events.some((e) => e.type === 'runStatusChanged' && e.status === 'recovering');
    expect(restarted).toBe(true);
    expect(r.last.run.restarts).toBeGreaterThanOrEqual(1);
  });

  it('refuses an invalid graph with every problem named', async () => {
    const g = graphOf({
      nodes: [{ id: 'm', type: 'map', config: { expression: 'value +' } }],
      edges: [],
    });
    await expect(startRun({ graph: g, baseDir: '/tmp' })).rejects.toThrow(/problem/);
  });
});

describe('poison events', () => {
  it('sets aside an event whose code never returns, after it hangs the worker twice, and finishes the rest', async () => {
    const g = graphOf({
      settings: { checkpointIntervalMs: 100 },
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 300, ratePerSec: 2000 } },
        {
          id: 'loop',
          type: 'function',
          config: { code: 'if (event.value.seq === 150) { for (;;) {} } return event.value.seq;' },
        },
        { id: 'out', type: 'sink.file', config: { path: 'o.jsonl' } },
      ],
      edges: ['gen -> loop', 'loop -> out'],
    });
    const r = await runToEnd(g, { fuse: false, maxWorkers: 2, hangTimeoutMs: 800 });
    expect(r.result).toEqual({ status: 'finished' });
    const reasons = r.events.flatMap((e) => (e.type === 'runStatusChanged' && e.reason ? [e.reason] : []));
    expect(reasons.some((x) => /stopped responding/.test(x) && /node "loop"/.test(x))).toBe(true);
    const out = readFileSync(join(r.dir, 'o.jsonl'), 'utf8').split('\n').filter(Boolean).map(Number);
    expect(out).toHaveLength(299);
    expect(out).not.toContain(150);
    expect(new Set(out).size).toBe(299);
  }, 60_000);
});

describe('crash and recover', () => {
  it('recovers from a hard crash of its workers with each result exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-crashrun-'));
    const g = graphOf({
      settings: { checkpointIntervalMs: 100 },
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 3000, ratePerSec: 6000 } },
        { id: 'out', type: 'sink.file', config: { path: 'o.jsonl' } },
      ],
      edges: ['gen -> out'],
    });
    const run = await startRun({ graph: g, baseDir: dir, statePath: join(dir, 'state.db'), metricsIntervalMs: 100 });
    setTimeout(() => run.crash(), 250);
    const result = await run.done;
    expect(result).toEqual({ status: 'finished' });
    const seqs = lines(join(dir, 'o.jsonl')).map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(seqs).toHaveLength(3000);
    expect(new Set(seqs).size).toBe(3000);
  });
});

describe('topics and merges on real threads', () => {
  it('lets two subscribers read a topic at their own pace and reports the slow one’s lag', async () => {
    const g = graphOf({
      settings: { checkpointIntervalMs: 200 },
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 4000 } },
        { id: 't', type: 'topic', config: { name: 'readings', retentionEvents: 100000, overflow: 'block' } },
        { id: 'fast', type: 'sink.file', config: { path: 'fast.jsonl' } },
        { id: 'slow', type: 'throttle', config: { ratePerSec: 2000, mode: 'delay' } },
        { id: 'slowOut', type: 'sink.file', config: { path: 'slow.jsonl' } },
      ],
      edges: ['gen -> t', 't -> fast', 't -> slow : 64', 'slow -> slowOut'],
    });
    const r = await runToEnd(g, { maxWorkers: 2 });
    expect(r.result.status).toBe('finished');
    expect(lines(join(r.dir, 'fast.jsonl'))).toHaveLength(4000);
    expect(lines(join(r.dir, 'slow.jsonl'))).toHaveLength(4000);
    const lags = r.frames.map((f) => f.edges['e3']!.lag ?? 0);
    expect(Math.max(...lags)).toBeGreaterThan(100);
    expect(r.last.edges['e2']!.lag ?? 0).toBe(0);
  });

  it('aligns barriers from two merged sources and recovers a crash exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-merge-'));
    const g = graphOf({
      settings: { checkpointIntervalMs: 80 },
      nodes: [
        { id: 'a', type: 'source.generator', config: { count: 2000, ratePerSec: 4000, valueExpression: "'a' + i" } },
        { id: 'b', type: 'source.generator', config: { count: 1500, ratePerSec: 3000, valueExpression: "'b' + i" } },
        { id: 'both', type: 'map', config: { expression: 'value' } },
        { id: 'out', type: 'sink.file', config: { path: 'o.jsonl' } },
      ],
      edges: ['a -> both', 'b -> both', 'both -> out'],
    });
    const run = await startRun({
      graph: g,
      baseDir: dir,
      statePath: join(dir, 'state.db'),
      metricsIntervalMs: 100,
      maxWorkers: 2,
    });
    setTimeout(() => run.crash(), 300);
    expect(await run.done).toEqual({ status: 'finished' });
    const values = lines(join(dir, 'o.jsonl')).map((l) => JSON.parse(l) as string);
    expect(values).toHaveLength(3500);
    expect(new Set(values).size).toBe(3500);
    // Per source, order is kept through the merge.
    const aSeq = values.filter((v) => v.startsWith('a')).map((v) => Number(v.slice(1)));
    expect(aSeq).toEqual([...aSeq].sort((x, y) => x - y));
  });
});

describe('notifications', () => {
  it('turns a sink.notify event into a notificationRequested run event', async () => {
    const g = graphOf({
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 3 } },
        {
          id: 'ping',
          type: 'sink.notify',
          config: { title: 'Hello', bodyExpression: "'seq ' + value.seq", minIntervalMs: 0 },
        },
      ],
      edges: ['gen -> ping'],
    });
    const r = await runToEnd(g);
    const notes = r.events.flatMap((e) =>
      e.type === 'notificationRequested' ? [`${e.nodeId} ${e.title}: ${e.body}`] : [],
    );
    expect(notes).toEqual(['ping Hello: seq 0', 'ping Hello: seq 1', 'ping Hello: seq 2']);
  });
});

describe('replaying dead letters', () => {
  it('feeds dead letters back into their node once the run is live again, and they leave the list', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-replay-'));
    const statePath = join(dir, 'state.db');
    const failing = graphOf({
      settings: { checkpointIntervalMs: 100 },
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 50 } },
        { id: 'parse', type: 'map', config: { expression: 'value.seq % 10 === 3 ? null.boom : value.seq' } },
        { id: 'out', type: 'sink.file', config: { path: 'o.jsonl' } },
      ],
      edges: ['gen -> parse', 'parse -> out'],
    });
    const first = await startRun({ graph: failing, baseDir: dir, statePath, metricsIntervalMs: 100 });
    expect(await first.done).toEqual({ status: 'finished' });
    expect(lines(join(dir, 'o.jsonl'))).toHaveLength(45);

    // The user fixes the expression and runs again (resuming: the generator is done), with a
    // slow second source that keeps the run live long enough to replay.
    const fixed = graphOf({
      settings: { checkpointIntervalMs: 100 },
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 50 } },
        { id: 'parse', type: 'map', config: { expression: 'value.seq' } },
        { id: 'out', type: 'sink.file', config: { path: 'o.jsonl' } },
        { id: 'tick', type: 'source.generator', config: { ratePerSec: 5 } },
        { id: 'log', type: 'sink.console' },
      ],
      edges: ['gen -> parse', 'parse -> out', 'tick -> log'],
    });
    const second = await startRun({ graph: fixed, baseDir: dir, statePath, metricsIntervalMs: 100, durationMs: 1500 });
    await new Promise((r) => setTimeout(r, 300));
    const letters = second.deadLetters(100);
    expect(letters.map((d) => d.event.value)).toEqual([{ seq: 3 }, { seq: 13 }, { seq: 23 }, { seq: 33 }, { seq: 43 }]);
    expect(second.replayDeadLetters(letters.map((d) => d.id))).toBe(5);
    expect(second.deadLetters(100)).toEqual([]);
    await second.done;
    const out = lines(join(dir, 'o.jsonl')).map(Number);
    expect(out).toHaveLength(50);
    expect(new Set(out).size).toBe(50);
  });
});

describe('the restart budget', () => {
  /** Crash the workers `times` times, each `afterMs` after the run is running again. */
  function crashRepeatedly(run: Awaited<ReturnType<typeof startRun>>, times: number, afterMs: number): void {
    let left = times;
    run.subscribe((e) => {
      if (e.type === 'runStatusChanged' && e.status === 'running' && left > 0) {
        left--;
        setTimeout(() => run.crash(), afterMs);
      }
    });
  }

  it('refills over its window: four crashes further apart than the window do not fail the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-budget-'));
    const g = graphOf({
      settings: { checkpointIntervalMs: 100 },
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 9000, ratePerSec: 1500 } },
        { id: 'out', type: 'sink.file', config: { path: 'o.jsonl' } },
      ],
      edges: ['gen -> out'],
    });
    const run = await startRun({
      graph: g,
      baseDir: dir,
      statePath: join(dir, 'state.db'),
      metricsIntervalMs: 100,
      restartBudget: { restarts: 2, windowMs: 600 },
    });
    crashRepeatedly(run, 4, 700);
    expect(await run.done).toEqual({ status: 'finished' });
    const seqs = lines(join(dir, 'o.jsonl')).map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(seqs).toHaveLength(9000);
    expect(new Set(seqs).size).toBe(9000);
  }, 60_000);

  it('fails the run when more restarts than the budget fall within its window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-budget-'));
    const g = graphOf({
      settings: { checkpointIntervalMs: 100 },
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 9000, ratePerSec: 1500 } },
        { id: 'out', type: 'sink.file', config: { path: 'o.jsonl' } },
      ],
      edges: ['gen -> out'],
    });
    const run = await startRun({
      graph: g,
      baseDir: dir,
      statePath: join(dir, 'state.db'),
      metricsIntervalMs: 100,
      restartBudget: { restarts: 2, windowMs: 60_000 },
    });
    crashRepeatedly(run, 3, 100);
    const result = await run.done;
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/gave up after 2 restarts within 60 s/);
  }, 60_000);
});

describe('replaying the dead letters of a source', () => {
  it('keeps them listed: a source has no input to replay them into', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-replay-source-'));
    const g = graphOf({
      settings: { checkpointIntervalMs: 100 },
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 5, valueExpression: 'i === 3 ? null.x : i' } },
        { id: 'out', type: 'sink.console' },
        { id: 'tick', type: 'source.generator', config: { ratePerSec: 5 } },
        { id: 'log', type: 'sink.console' },
      ],
      edges: ['gen -> out', 'tick -> log'],
    });
    const run = await startRun({ graph: g, baseDir: dir, statePath: join(dir, 'state.db'), metricsIntervalMs: 100 });
    let letters = run.deadLetters(10);
    // Up to 30 s: a run's workers take seconds to start on a loaded 2-core machine (5 s was too short once).
    for (let i = 0; i < 600 && letters.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      letters = run.deadLetters(10);
    }
    expect(letters.map((d) => d.nodeId)).toEqual(['gen']);
    expect(run.replayDeadLetters(letters.map((d) => d.id))).toBe(0);
    expect(run.deadLetters(10)).toHaveLength(1);
    await run.stop();
  });
});
