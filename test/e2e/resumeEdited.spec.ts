import { expect, test } from '@playwright/test';
import { openEditor, selectNode, SHOTS } from './editorHarness.js';
import { freshDir, importGraph, runFresh, saveAs } from './liveHarness.js';

// Issue 11, defect 4: an edited graph silently double-counted. Before a run that resumes it,
// the editor says what restores and what starts empty, and what that means downstream.
test('resuming an edited graph shows what restores and what starts empty, offers Run from scratch, and says where it resumed', async ({
  page,
}) => {
  const dir = freshDir('resume-edited');
  const graph = {
    format: 'sluice/graph',
    version: 1,
    name: 'Counts',
    settings: { checkpointIntervalMs: 200 },
    nodes: [
      { id: 'gen', type: 'source.generator', position: { x: 0, y: 0 }, config: { count: 3000, keys: 3 } },
      { id: 'agg', type: 'aggregate', position: { x: 300, y: 0 }, config: { op: 'count' } },
      { id: 'out', type: 'sink.file', position: { x: 600, y: 0 }, config: { path: 'out.jsonl' } },
    ],
    edges: [
      { id: 'a', from: { node: 'gen', port: 'out' }, to: { node: 'agg', port: 'in' } },
      { id: 'b', from: { node: 'agg', port: 'out' }, to: { node: 'out', port: 'in' } },
    ],
  };
  await openEditor(page);
  await importGraph(page, graph, 'counts.sluice.json');
  await saveAs(page, `${dir}/counts.sluice.json`);
  await runFresh(page);
  const chip = page.getByTestId('run-chip');
  await expect(chip).toHaveAttribute('data-status', 'finished', { timeout: 30_000 });

  // The generator's count changes: it would start over while the aggregate keeps its totals.
  await selectNode(page, 'gen');
  await page.getByTestId('field-count-input').fill('4000');
  await page.getByTestId('action-save').click();
  await expect(page.getByTestId('dirty-marker')).toHaveCount(0);
  await page.getByTestId('action-run').click();
  const dialog = page.getByTestId('resume-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('resume-empty-gen')).toContainText('starts empty');
  await expect(page.getByTestId('resume-empty-gen')).toContainText('config changed');
  await expect(page.getByTestId('resume-restored-agg')).toContainText('restores');
  await expect(page.getByTestId('resume-consequences')).toContainText(
    '"gen" starts again from its first event while "agg" keeps its state: what "gen" already sent is counted again',
  );
  await expect(page.getByTestId('resume-fresh')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/resume-edited.png` });

  // Resume anyway: the run says where it resumed from.
  await page.getByTestId('resume-accept').click();
  await expect(page.getByTestId('run-resumed')).toContainText(/resumed from checkpoint \d+/, { timeout: 15_000 });
  await expect(chip).toHaveAttribute('data-status', 'finished', { timeout: 30_000 });

  // Run again, unchanged: it resumes without a question. Then from scratch: no "resumed".
  await page.getByTestId('action-run').click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('run-resumed')).toContainText(/resumed from checkpoint \d+/, { timeout: 15_000 });
  await expect(chip).toHaveAttribute('data-status', 'finished', { timeout: 30_000 });
  await page.getByTestId('run-menu').click();
  await page.getByTestId('menu-runFresh').click();
  await expect(chip).toHaveAttribute('data-status', /running|finished/, { timeout: 15_000 });
  await expect(page.getByTestId('run-resumed')).toHaveCount(0);
});
