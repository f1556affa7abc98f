/**
 * Issue 10, faults 2, 3 and 9, through the real CLI: an event whose code kills or hangs its
 * worker every time is set aside as a dead letter and the run goes on, in every plan shape (the
 * function fused with its source, or at parallelism 2 behind a paced source); a hang at the
 * restart limit ends the run with one clear line; the summary counts what the sinks committed.
 *
 * Hangs are detected after SLUICE_HANG_TIMEOUT_MS (10 s by default) of silence, shortened here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linesOf, runCli, writeGraph } from './sluiceCli.js';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-poison-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const COUNT = 600;
const POISON = 500;

interface Shape {
  name: string;
  ratePerSec?: number;
  parallelism?: number;
}

// Paced so that the poison event comes 2 s in, while checkpoints come 250 ms after (re)start
// and then every 5 s: every attempt completes a new checkpoint before it reaches the event
// again, so the event is at another place after another checkpoint each time.
const SHAPES: Shape[] = [
  { name: 'fused with its source' },
  { name: 'fused with a paced source', ratePerSec: 250 },
  { name: 'at parallelism 2 behind a paced source', ratePerSec: 250, parallelism: 2 },
];

function functionGraph(shape: Shape, code: string, count = COUNT): object {
  return {
    format: 'sluice/graph',
    version: 1,
    name: 'Poison',
    settings: { checkpointIntervalMs: 5000 },
    nodes: [
      {
        id: 'gen',
        type: 'source.generator',
        config: { count, ...(shape.ratePerSec ? { ratePerSec: shape.ratePerSec } : {}) },
      },
      { id: 'fn', type: 'function', parallelism: shape.parallelism ?? 1, config: { code } },
      { id: 'out', type: 'sink.file', config: { path: 'out.jsonl' } },
    ],
    edges: [
      { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'fn', port: 'in' } },
      { id: 'e2', from: { node: 'fn', port: 'out' }, to: { node: 'out', port: 'in' } },
    ],
  };
}

async function deadLetters(dir: string, state: string): Promise<Array<{ id: string; value: { seq: number } }>> {
  const file = path.join(dir, 'dead.jsonl');
  const r = await runCli(['dead-letters', state, '--jsonl', file], { timeoutMs: 20_000 });
  expect(r.code, r.stderr).toBe(0);
  return linesOf(fs.readFileSync(file, 'utf8')).map((l) => JSON.parse(l) as { id: string; value: { seq: number } });
}

function outputSeqs(dir: string): number[] {
  return linesOf(fs.readFileSync(path.join(dir, 'out.jsonl'), 'utf8')).map(Number);
}

const KILLERS = [
  { what: 'calls process.exit(3)', code: `if (value.seq === ${POISON}) { process.exit(3); } return value.seq;` },
  { what: 'never returns', code: `if (value.seq === ${POISON}) { while (true) {} } return value.seq;` },
];

describe('a poison event', () => {
  for (const killer of KILLERS) {
    for (const shape of SHAPES) {
      it(`whose code ${killer.what}, in a function ${shape.name}, goes to the dead letters and the run finishes`, async () => {
        const dir = path.join(root, `${killer.what}-${shape.name}`.replace(/\W+/g, '-'));
        const graph = writeGraph(dir, functionGraph(shape, killer.code));
        const state = path.join(dir, 'state.db');
        const r = await runCli(['run', graph, '--state', state], {
          cwd: dir,
          env: { SLUICE_HANG_TIMEOUT_MS: '1000' },
          timeoutMs: 60_000,
        });
        expect(r.code, r.stderr).toBe(0);
        const seqs = outputSeqs(dir);
        expect(seqs).toHaveLength(COUNT - 1);
        expect(new Set(seqs).size).toBe(COUNT - 1);
        expect(seqs).not.toContain(POISON);
        const letters = await deadLetters(dir, state);
        expect(letters.map((l) => l.value.seq)).toEqual([POISON]);
        expect(letters[0]!.id).toBe(`gen-${POISON}`);
        expect(r.stderr).toMatch(/dead letters/);
      }, 90_000);
    }
  }
});

describe('a hang at the restart limit', () => {
  it('ends the run with exit 1 and one clear line, no stack trace', async () => {
    const dir = path.join(root, 'hang-limit');
    // Every event from 500 on hangs: the first is set aside after two attempts, the next one
    // hangs twice more and the restart budget (3) runs out.
    const graph = writeGraph(
      dir,
      functionGraph({ name: 'fused' }, `if (value.seq >= ${POISON}) { while (true) {} } return value.seq;`),
    );
    const r = await runCli(['run', graph, '--state', path.join(dir, 'state.db')], {
      cwd: dir,
      env: { SLUICE_HANG_TIMEOUT_MS: '500' },
      timeoutMs: 60_000,
    });
    expect(r.code, r.stderr).toBe(1);
    const lines = linesOf(r.stderr);
    expect(lines.at(-1)).toMatch(/^run failed: .*stopped responding.*; gave up after 3 restarts/);
    expect(r.stderr).not.toMatch(/RangeError|Maximum call stack|^\s+at /m);
  }, 90_000);
});

describe('the summary of a run that restarted', () => {
  it('counts the events each sink committed, not the ones it received again after the restart', async () => {
    const dir = path.join(root, 'summary');
    // Dies once, at event 2000: the marker file survives the restart, the worker does not.
    const code = `const fs = process.getBuiltinModule('node:fs');
      if (value.seq === 2000 && !fs.existsSync('died')) { fs.writeFileSync('died', ''); process.exit(3); }
      return value.seq;`;
    const graph = writeGraph(dir, functionGraph({ name: 'paced', ratePerSec: 8000 }, code, 4000));
    const r = await runCli(['run', graph, '--state', path.join(dir, 'state.db')], { cwd: dir, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/restarting from the last checkpoint/);
    expect(outputSeqs(dir)).toHaveLength(4000);
    const summary = /^run finished: out (\d+)/m.exec(r.stderr);
    expect(summary, r.stderr).not.toBeNull();
    expect(Number(summary![1])).toBe(4000);
  }, 60_000);
});
