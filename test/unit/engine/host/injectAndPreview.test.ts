import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GraphFile, RunEvent } from '../../../../engine/contract/index.js';
import { EngineService } from '../../../../engine/host/EngineService.js';
import { PREVIEW_TIMEOUT_MS, previewExpression } from '../../../../engine/host/previewExpression.js';

let dir: string;
let service: EngineService;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'sluice-inject-')));
  service = new EngineService({ roots: [dir], examplesDir: dir });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** gen (paced, unbounded) → tag → out.jsonl; gen and tag fuse into one task that has no inputs. */
const graph = (): GraphFile => ({
  format: 'sluice/graph',
  version: 1,
  name: 'Inject',
  settings: { checkpointIntervalMs: 100 },
  nodes: [
    { id: 'gen', type: 'source.generator', config: { ratePerSec: 20 } },
    { id: 'tag', type: 'map', config: { expression: '({ ...value, tagged: true })' } },
    { id: 'out', type: 'sink.file', config: { path: 'out.jsonl' } },
  ],
  edges: [
    { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'tag', port: 'in' } },
    { id: 'e2', from: { node: 'tag', port: 'out' }, to: { node: 'out', port: 'in' } },
  ],
});

async function running(): Promise<string> {
  const events: RunEvent[] = [];
  service.subscribe((e) => events.push(e));
  const { runId } = await service.startRun({ graph: graph(), trusted: true });
  // Live: the workers report running.
  for (let i = 0; i < 200 && !events.some((e) => e.type === 'runStatusChanged' && e.status === 'running'); i++)
    await new Promise((r) => setTimeout(r, 25));
  return runId;
}

describe('inject and preview, in the engine', () => {
  it('an injected event goes through the node it was sent to, also one fused behind a source (a task with no inputs)', async () => {
    const runId = await running();
    await service.injectEvent(runId, 'tag', 'in', { key: 'k1', time: 5, value: { hand: 'written' } });
    await service.injectEvent(runId, 'out', 'in', { value: 'straight to the sink' });
    await service.stopRun(runId);
    const lines = readFileSync(path.join(dir, 'out.jsonl'), 'utf8').split('\n').filter(Boolean);
    expect(lines).toContain(JSON.stringify({ hand: 'written', tagged: true }));
    expect(lines).toContain(JSON.stringify('straight to the sink'));
  });

  it('refuses, with one sentence each: a source, a port the node does not have, an unknown node, an ended run', async () => {
    const runId = await running();
    await expect(service.injectEvent(runId, 'gen', 'in', { value: 1 })).rejects.toThrow(
      'Node gen is a source: it has no input to inject into. Inject into a node it feeds.',
    );
    await expect(service.injectEvent(runId, 'tag', 'left', { value: 1 })).rejects.toThrow(
      'Node tag has no input port "left"; its inputs are "in".',
    );
    await expect(service.injectEvent(runId, 'nope', 'in', { value: 1 })).rejects.toThrow(
      'The running graph has no node nope.',
    );
    await service.stopRun(runId);
    await expect(service.injectEvent(runId, 'tag', 'in', { value: 1 })).rejects.toThrow(/has ended/);
  });

  it('previews an expression on a sample, only when trusted, stopping a loop and naming a throw', () => {
    const sample = { key: 'k1', time: 1000, value: { price: 3, qty: 4 } };
    expect(
      previewExpression({ expression: '({ ...value, total: value.price * value.qty, key })', sample, trusted: true }),
    ).toEqual({
      ok: true,
      value: { price: 3, qty: 4, total: 12, key: 'k1' },
    });
    expect(previewExpression({ expression: 'value.price', sample, trusted: false })).toEqual({
      ok: false,
      error: 'Trust the graph’s code first: the preview runs the expression.',
    });
    expect(previewExpression({ expression: 'a); evil(); (b', sample, trusted: true }).ok).toBe(false);
    expect(previewExpression({ expression: 'value.nope.deeper', sample, trusted: true })).toEqual({
      ok: false,
      error: "On the sample it throws TypeError: Cannot read properties of undefined (reading 'deeper')",
    });
    const started = Date.now();
    expect(previewExpression({ expression: '(() => { while (true) {} })()', sample, trusted: true })).toEqual({
      ok: false,
      error: `The expression ran longer than ${PREVIEW_TIMEOUT_MS} ms on the sample and was stopped.`,
    });
    expect(Date.now() - started).toBeLessThan(5000);
    // The engine's globals are not the expression's: no process, no require.
    expect(previewExpression({ expression: 'typeof process + typeof require', sample, trusted: true })).toEqual({
      ok: true,
      value: 'undefinedundefined',
    });
  });
});
