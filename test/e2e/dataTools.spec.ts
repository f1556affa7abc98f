import { expect, test } from '@playwright/test';
import { openEditor, SHOTS, typeCode } from './editorHarness.js';
import { edgeTotals, importGraph, runFresh } from './liveHarness.js';

const graph = {
  format: 'sluice/graph',
  version: 1,
  name: 'Design data',
  nodes: [
    { id: 'gen', type: 'source.generator', label: 'Ticks', position: { x: 0, y: 0 }, config: { ratePerSec: 40 } },
    {
      id: 'double',
      type: 'map',
      label: 'Double',
      position: { x: 300, y: 0 },
      config: { expression: '({ ...value, doubled: value.seq * 2 })' },
    },
    { id: 'out', type: 'sink.discard', label: 'Nowhere', position: { x: 600, y: 0 }, config: {} },
  ],
  edges: [
    { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'double', port: 'in' } },
    { id: 'e2', from: { node: 'double', port: 'out' }, to: { node: 'out', port: 'in' } },
  ],
};

test('inject an event into a running node, pin a sample to a source for design runs, preview an expression on it as you type', async ({
  page,
}) => {
  await openEditor(page);
  await importGraph(page, graph, 'design.sluice.json');
  await expect(page.getByTestId('doc-name')).toHaveText('Design data');

  // Debug both nodes, run: messages arrive.
  await page.getByTestId('node-gen').hover();
  await page.getByTestId('node-debug-gen').click();
  await page.getByTestId('node-double').hover();
  await page.getByTestId('node-debug-double').click();
  await runFresh(page);
  await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', 'running', { timeout: 20_000 });
  const messages = page.getByTestId('debug-message');
  await expect.poll(() => messages.count(), { timeout: 20_000 }).toBeGreaterThan(4);

  // Inject into the map's input: its output carries the hand-written event, doubled.
  await page.getByTestId('node-double').locator('.sl-node-title').click();
  await page.getByTestId('inject-value').fill('{"seq": 5000, "by": "hand"}');
  await page.getByTestId('inject-key').fill('manual');
  await page.getByTestId('inject-send').click();
  await expect(page.getByTestId('inject-error')).toHaveCount(0);
  await page.getByTestId('debug-filter-text').fill('"by":"hand"');
  await expect(messages.first()).toContainText('"doubled":10000', { timeout: 20_000 });
  await expect(messages.first()).toContainText('manual');
  // Bad JSON is one sentence, nothing sent.
  await page.getByTestId('inject-value').fill('{seq: 1}');
  await page.getByTestId('inject-send').click();
  await expect(page.getByTestId('inject-error')).toContainText('Not JSON');
  await page.getByTestId('debug-filter-text').fill('');

  // Preview: the map's expression on the newest message into it, as typed.
  await expect(page.getByTestId('preview-expression-value')).toContainText('"doubled"');
  await typeCode(page, 'expression', '({ tripled: value.seq * 3 })');
  await expect(page.getByTestId('preview-expression-value')).toContainText('"tripled"');
  await typeCode(page, 'expression', 'value.nope.deeper');
  await expect(page.getByTestId('preview-expression-error')).toContainText('throws TypeError');
  await typeCode(page, 'expression', '({ ...value, doubled: value.seq * 2 })');
  await expect(page.getByTestId('preview-expression-value')).toContainText('"doubled"');
  await page.getByTestId('debug-close').click();
  await page.screenshot({ path: `${SHOTS}/44-inject-preview.png` });

  await page.getByTestId('action-stop').click();
  await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', 'stopped', { timeout: 30_000 });

  // Pin the source's debug messages; the next run emits exactly them and finishes.
  await page.getByTestId('node-gen').locator('.sl-node-title').click();
  await page.getByTestId('pinned-sample').scrollIntoViewIfNeeded();
  await page.getByTestId('pin-from-debug').click();
  await expect(page.getByTestId('pinned-count')).toContainText('pinned');
  const pinned = Number(/(\d+) events? pinned/.exec((await page.getByTestId('pinned-count').textContent()) ?? '')?.[1]);
  expect(pinned).toBeGreaterThan(0);
  await expect(page.getByTestId('node-pinned-gen')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/45-pinned-sample.png` });
  await page.getByTestId('action-run').click();
  await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', 'finished', { timeout: 30_000 });
  await expect.poll(async () => (await edgeTotals(page)).e1).toBe(pinned);
});
