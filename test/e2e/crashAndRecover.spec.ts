// Issue 5: the Debug menu's "crash and recover" kills the runtime hard; the run resumes from its
// last checkpoint and the sink holds each result exactly once.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { openEditor } from './editorHarness.js';
import { freshDir, importGraph, runFresh, saveAs } from './liveHarness.js';

test('crash and recover: the run restarts from its checkpoint and the sink holds each result once', async ({
  page,
}) => {
  const dir = freshDir('crash');
  const graph = {
    format: 'sluice/graph',
    version: 1,
    name: 'Crash demo',
    settings: { checkpointIntervalMs: 200 },
    nodes: [
      {
        id: 'gen',
        type: 'source.generator',
        position: { x: 0, y: 0 },
        config: { count: 6000, ratePerSec: 750, keys: 5 },
      },
      { id: 'sum', type: 'aggregate', position: { x: 300, y: 0 }, config: { op: 'count' } },
      { id: 'out', type: 'sink.file', position: { x: 600, y: 0 }, config: { path: 'out.jsonl' } },
    ],
    edges: [
      { id: 'a', from: { node: 'gen', port: 'out' }, to: { node: 'sum', port: 'in' } },
      { id: 'b', from: { node: 'sum', port: 'out' }, to: { node: 'out', port: 'in' } },
    ],
  };
  await openEditor(page);
  await importGraph(page, graph, 'crash.sluice.json');
  await expect(page.getByTestId('doc-name')).toHaveText('Crash demo');
  await saveAs(page, `${dir}/crash.sluice.json`);
  await runFresh(page);
  await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', 'running', { timeout: 10_000 });
  await page.waitForTimeout(1200);
  await page.getByTestId('debug-menu').click();
  await page.getByTestId('menu-crashRun').click();
  await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', /recovering|running/, { timeout: 5000 });
  await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', 'finished', { timeout: 30_000 });
  await page.screenshot({ path: 'test-results/screenshots/30-crash-recovered.png' });

  // The aggregate's changelog: per key, counts 1..n with nothing repeated or missing.
  const rows = readFileSync(`${dir}/out.jsonl`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { key: string; count: number });
  expect(rows).toHaveLength(6000);
  const byKey = new Map<string, number[]>();
  for (const r of rows) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r.count]);
  for (const counts of byKey.values()) expect(counts).toEqual(counts.map((_, i) => i + 1));
});
