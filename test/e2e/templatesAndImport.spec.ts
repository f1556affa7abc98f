import { expect, test } from '@playwright/test';
import { openEditor, SHOTS } from './editorHarness.js';

test('a template opens as a new unsaved document and auto-layout arranges it left to right', async ({ page }) => {
  await openEditor(page);
  await page.getByTestId('action-templates').click();
  await page.screenshot({ path: `${SHOTS}/06-templates.png` });
  await page.getByTestId('template-fraud-alerts').click();
  await expect(page.getByTestId('templates-dialog')).toHaveCount(0);
  const count = await page.locator('.sl-node').count();
  expect(count).toBeGreaterThan(2);
  await expect(page.getByTestId('doc-name')).not.toHaveText('Untitled');
  await page.getByTestId('action-autoLayout').click();
  // One undo step: undo is now possible, and the document is unsaved.
  await expect(page.getByTestId('action-undo')).toBeEnabled();
  await page.waitForTimeout(600);
  await page.screenshot({ path: `${SHOTS}/07-template-after-layout.png` });

  // Sources sit left of their consumers after layout.
  const boxes = await page
    .locator('.sl-node')
    .evaluateAll((els) =>
      els.map((el) => ({ type: el.getAttribute('data-node-type'), x: el.getBoundingClientRect().x })),
    );
  const sources = boxes.filter((b) => b.type?.startsWith('source.')).map((b) => b.x);
  const sinks = boxes.filter((b) => b.type?.startsWith('sink.')).map((b) => b.x);
  expect(Math.max(...sources)).toBeLessThan(Math.min(...sinks));
});

test('importing a malformed file, a newer version or non-graph JSON shows a message and keeps the document', async ({
  page,
}) => {
  await openEditor(page);
  await page.getByTestId('action-templates').click();
  await page.getByTestId('template-standard-pipeline').click();
  await expect(page.getByTestId('doc-name')).toHaveText('Standard pipeline');
  await expect(page.getByTestId('node-price')).toBeVisible();
  const nodes = await page.locator('.sl-node').count();

  const cases = [
    { name: 'broken.sluice.json', text: '{ "format": "sluice/graph", "nodes": [', expect: /not JSON/ },
    {
      name: 'future.sluice.json',
      text: JSON.stringify({ format: 'sluice/graph', version: 99, name: 'x', nodes: [], edges: [] }),
      expect: /version/,
    },
    {
      name: 'package.json',
      text: JSON.stringify({ name: 'not-a-graph', version: '1.0.0' }),
      expect: /not a Sluice graph/,
    },
  ];
  for (const c of cases) {
    await page
      .getByTestId('import-input')
      .setInputFiles({ name: c.name, mimeType: 'application/json', buffer: Buffer.from(c.text) });
    await expect(page.getByTestId('message-dialog')).toBeVisible();
    await expect(page.getByTestId('message-text')).toContainText(c.name);
    await expect(page.getByTestId('message-text')).toContainText(c.expect);
    if (c.name === 'broken.sluice.json') await page.screenshot({ path: `${SHOTS}/08-malformed-import.png` });
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('message-dialog')).toHaveCount(0);
    await expect(page.getByTestId('doc-name')).toHaveText('Standard pipeline');
    await expect(page.locator('.sl-node')).toHaveCount(nodes);
  }

  // Pasting garbage: a short notice, nothing else.
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.setData('text/plain', 'hello, this is not a graph');
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
  });
  await expect(page.getByTestId('notice')).toContainText('Nothing to paste');
  await expect(page.locator('.sl-node')).toHaveCount(nodes);
});

test('copy and paste duplicate nodes as graph JSON, and the shortcut overlay lists the commands', async ({ page }) => {
  await openEditor(page);
  await page.getByTestId('action-templates').click();
  await page.getByTestId('template-standard-pipeline').click();
  // Count once the template is on the canvas, not while it is still loading.
  await expect(page.getByTestId('node-price')).toBeVisible();
  const nodes = await page.locator('.sl-node').count();
  await page.getByTestId('node-price').locator('.sl-node-title').click();
  const copied = await page.evaluate(() => {
    const data = new DataTransfer();
    document.body.dispatchEvent(new ClipboardEvent('copy', { clipboardData: data, bubbles: true }));
    return data.getData('text/plain');
  });
  expect(JSON.parse(copied).nodes[0].id).toBe('price');
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
  }, copied);
  await expect(page.locator('.sl-node')).toHaveCount(nodes + 1);
  await expect(page.getByTestId('node-price2')).toBeVisible();

  await page.keyboard.press('Shift+?');
  await expect(page.getByTestId('help-overlay')).toBeVisible();
  await expect(page.getByTestId('help-overlay')).toContainText('Auto-layout');
  await page.screenshot({ path: `${SHOTS}/09-shortcuts.png` });
});
