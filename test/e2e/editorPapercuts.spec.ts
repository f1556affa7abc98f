import { expect, test } from '@playwright/test';
import { openEditor, SHOTS } from './editorHarness.js';
import { freshDir, importGraph, runFresh, saveAs } from './liveHarness.js';

// Issue 11, defect 7: the minimap, Save's folder, the document path, a finished graph run again,
// a stray pasted node, and paths outside the opened folder.

const small = (name: string, extra: object[] = []) => ({
  format: 'sluice/graph',
  version: 1,
  name,
  settings: { checkpointIntervalMs: 200 },
  nodes: [
    { id: 'gen', type: 'source.generator', position: { x: 0, y: 0 }, config: { count: 500 } },
    { id: 'out', type: 'sink.file', position: { x: 300, y: 0 }, config: { path: 'out.jsonl' } },
    ...extra,
  ],
  edges: [{ id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'out', port: 'in' } }],
});

for (const width of [1280, 1440, 1920]) {
  test(`at ${width} px the document path shows its folder and file name, in order`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    const dir = freshDir(`doc-path-${width}`);
    await openEditor(page);
    await importGraph(page, small('Path demo'), 'path.sluice.json');
    await saveAs(page, `${dir}/path-demo.sluice.json`);
    const docPath = page.getByTestId('doc-path');
    await expect(docPath).toBeVisible();
    await expect(docPath).toHaveText(`${dir}/path-demo.sluice.json`);
    const file = docPath.locator('.doc-file');
    await expect(file).toBeVisible();
    const box = (await file.boundingBox())!;
    expect(box.width).toBeGreaterThan(40);
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.doc-path')!).direction)).toBe('ltr');
    // Save names the folder: in the dialog and in the notice.
    await page.getByTestId('action-saveAs').click();
    await expect(page.getByTestId('save-folder')).toContainText(/^in /);
    await page.keyboard.press('Escape');
    await page.getByTestId('action-save').click();
    await expect(page.getByTestId('notice')).toContainText(`Saved path-demo.sluice.json in ${dir}.`);
    if (width === 1280) await page.screenshot({ path: `${SHOTS}/doc-path-1280.png` });
  });
}

test('the minimap can be hidden and shown again', async ({ page }) => {
  await openEditor(page);
  await importGraph(page, small('Minimap demo'), 'minimap.sluice.json');
  await expect(page.locator('.react-flow__minimap')).toBeVisible();
  await page.getByTestId('minimap-toggle').click();
  await expect(page.locator('.react-flow__minimap')).toHaveCount(0);
  await page.getByTestId('minimap-toggle').click();
  await expect(page.locator('.react-flow__minimap')).toBeVisible();
  // The hover card is drawn above the minimap and the controls.
  const z = await page.evaluate(() => {
    const probe = document.createElement('div');
    probe.className = 'edge-card-overlay';
    document.querySelector('.react-flow')!.appendChild(probe);
    const mine = Number(getComputedStyle(probe).zIndex);
    probe.remove();
    const minimap = Number(getComputedStyle(document.querySelector('.react-flow__minimap')!).zIndex);
    return { mine, minimap };
  });
  expect(z.mine).toBeGreaterThan(z.minimap);
});

test('a stray pasted node does not block Run, and the run leaves it out', async ({ page }) => {
  const dir = freshDir('stray');
  await openEditor(page);
  await importGraph(page, small('Stray demo'), 'stray.sluice.json');
  await saveAs(page, `${dir}/stray.sluice.json`);
  await page.evaluate(() => {
    const data = new DataTransfer();
    const stray = {
      format: 'sluice/graph',
      version: 1,
      name: 'Copied nodes',
      nodes: [{ id: 'pasted', type: 'map', position: { x: 0, y: 300 }, config: { expression: 'value' } }],
      edges: [],
    };
    data.setData('text/plain', JSON.stringify(stray));
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
  });
  await expect(page.locator('.sl-node')).toHaveCount(3);
  await expect(page.getByTestId('action-run')).toBeEnabled();
  await runFresh(page);
  await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', 'finished', { timeout: 30_000 });
});

test('running a finished graph again says there was nothing new, and Run from scratch runs it', async ({ page }) => {
  const dir = freshDir('finished-again');
  await openEditor(page);
  await importGraph(page, small('Again demo'), 'again.sluice.json');
  await saveAs(page, `${dir}/again.sluice.json`);
  await runFresh(page);
  const chip = page.getByTestId('run-chip');
  await expect(chip).toHaveAttribute('data-status', 'finished', { timeout: 30_000 });
  await page.getByTestId('action-run').click();
  await expect(page.getByTestId('run-status')).toContainText('Nothing new to process', { timeout: 15_000 });
  await expect(page.getByTestId('notice')).toContainText('Run from scratch');
});

test('a path outside the opened folder fails at validation, with the whole message', async ({ page }) => {
  await openEditor(page);
  const graph = small('Outside demo');
  (graph.nodes[1] as { config: { path: string } }).config.path = '../../../../../../etc/sluice-out.jsonl';
  await importGraph(page, graph, 'outside.sluice.json');
  const problem = page.getByTestId('problem-item').filter({ hasText: /outside the folders you opened/ });
  await expect(problem.first()).toBeVisible({ timeout: 10_000 });
  await expect(problem.first()).toContainText('/etc/sluice-out.jsonl');
  await expect(page.getByTestId('action-run')).toBeDisabled();
  await page.screenshot({ path: `${SHOTS}/path-outside.png` });
});
