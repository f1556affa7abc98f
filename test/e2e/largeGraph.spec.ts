import { expect, test } from '@playwright/test';
import { openEditor, SHOTS } from './editorHarness.js';

/** 100 chains of generator → 8 maps → console sink: 1,000 nodes, 900 edges, laid out on a grid. */
function bigGraph(): string {
  const nodes: unknown[] = [];
  const edges: unknown[] = [];
  for (let c = 0; c < 100; c++) {
    const ids: string[] = [];
    for (let k = 0; k < 10; k++) {
      const id = `n${c}_${k}`;
      ids.push(id);
      const type = k === 0 ? 'source.generator' : k === 9 ? 'sink.console' : 'map';
      const config = k === 0 ? { count: 10 } : k === 9 ? {} : { expression: `value` };
      nodes.push({ id, type, position: { x: k * 240, y: c * 120 }, config });
      if (k > 0)
        edges.push({ id: `e${c}_${k}`, from: { node: ids[k - 1], port: 'out' }, to: { node: id, port: 'in' } });
    }
  }
  return JSON.stringify({ format: 'sluice/graph', version: 1, name: 'Thousand nodes', nodes, edges });
}

test('a 1,000-node graph opens fast and pans without freezing', async ({ page }) => {
  await openEditor(page);
  const box = (await page.getByTestId('canvas').boundingBox())!;
  const pan = async () => {
    const t0 = Date.now();
    await page.mouse.move(box.x + box.width / 2, box.y + 30);
    await page.mouse.down();
    for (let i = 1; i <= 30; i++) await page.mouse.move(box.x + box.width / 2 - i * 10, box.y + 30 + i * 8);
    await page.mouse.up();
    return Date.now() - t0;
  };
  // The same drag on the empty canvas: what the browser and Playwright cost by themselves.
  const emptyPanMs = await pan();
  const text = bigGraph();
  const started = Date.now();
  await page
    .getByTestId('import-input')
    .setInputFiles({ name: 'big.sluice.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await expect(page.getByTestId('doc-name')).toHaveText('Thousand nodes');
  await expect(page.locator('.sl-node').first()).toBeVisible();
  const openMs = Date.now() - started;

  // Pan: drag the background in small steps and time the frames.
  const panMs = await pan();
  await expect(page.locator('.sl-node').first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/10-thousand-nodes.png` });

  console.log(`1,000-node graph: opened in ${openMs} ms; 30 pan steps in ${panMs} ms (empty canvas: ${emptyPanMs} ms)`);
  // The 1.5 s target is a measurement (the line above, README); under a loaded CI machine the
  // test only proves the editor does not freeze: it opens within 10 s and pans within 10× the
  // same drag on an empty canvas (at least 3 s).
  expect(openMs).toBeLessThan(10_000);
  expect(panMs).toBeLessThan(Math.max(3000, 10 * emptyPanMs));
});
