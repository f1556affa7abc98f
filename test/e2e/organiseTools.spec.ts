import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openEditor, SHOTS } from './editorHarness.js';
import { edgeTotals, freshDir, importGraph, runFresh, saveAs } from './liveHarness.js';

const graph = {
  format: 'sluice/graph',
  version: 1,
  name: 'Organised',
  nodes: [
    { id: 'gen', type: 'source.generator', label: 'Ticks', position: { x: 0, y: 60 }, config: { count: 2000 } },
    { id: 'city', type: 'map', label: 'Name a city', position: { x: 300, y: 60 }, config: { expression: 'value' } },
    { id: 'out', type: 'sink.discard', label: 'Nowhere', position: { x: 600, y: 60 }, config: {} },
  ],
  edges: [
    { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'city', port: 'in' } },
    { id: 'e2', from: { node: 'city', port: 'out' }, to: { node: 'out', port: 'in' } },
  ],
};

test('sticky notes, titled groups and a disabled node are drawn, saved in the graph file, and the disabled node passes nothing', async ({
  page,
}) => {
  const dir = freshDir('organise');
  await openEditor(page);
  await importGraph(page, graph, 'organised.sluice.json');
  await expect(page.getByTestId('doc-name')).toHaveText('Organised');

  // A note, written in place.
  await page.getByTestId('canvas-add-note').click();
  const text = page.getByTestId('note-text-note');
  await expect(text).toBeFocused();
  await page.keyboard.type('Ticks feed the city namer.\nDisabled while we test.');
  // Dragged by its bar.
  const bar = page.getByTestId('note-bar-note');
  const before = (await bar.boundingBox())!;
  await page.mouse.move(before.x + 30, before.y + 6);
  await page.mouse.down();
  await page.mouse.move(before.x - 150, before.y - 100, { steps: 6 });
  await page.mouse.up();
  await expect.poll(async () => (await bar.boundingBox())!.y).toBeLessThan(before.y - 60);

  // A group of two nodes, renamed.
  await page.getByTestId('node-gen').locator('.sl-node-title').click();
  await page
    .getByTestId('node-city')
    .locator('.sl-node-title')
    .click({ modifiers: ['Shift'] });
  await page.getByTestId('action-groupSelection').click();
  await expect(page.getByTestId('group-group')).toBeVisible();
  await page.getByTestId('group-title-group').dblclick();
  await page.getByTestId('group-title-input-group').fill('Ingest');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('group-title-group')).toHaveText('Ingest');
  // The box surrounds both members (read in one go: a fit view may still be animating).
  await expect
    .poll(() =>
      page.evaluate(() => {
        const r = (id: string) => document.querySelector(`[data-testid="${id}"]`)!.getBoundingClientRect();
        const g = r('group-group');
        return ['node-gen', 'node-city'].every((id) => {
          const n = r(id);
          return n.left > g.left && n.right < g.right && n.top > g.top && n.bottom < g.bottom;
        });
      }),
    )
    .toBe(true);

  // Disable the map from the inspector.
  await page.keyboard.press('Escape');
  await page.getByTestId('node-city').locator('.sl-node-title').click();
  await page.getByTestId('node-disabled').check();
  await expect(page.getByTestId('node-city')).toHaveAttribute('data-disabled', '');
  await expect(page.getByTestId('node-problem-city')).toBeAttached();
  await page.locator('.react-flow__controls-fitview').click();
  await page.waitForTimeout(400); // the fit view's animation, for the picture only
  await page.screenshot({ path: `${SHOTS}/42-organise.png` });

  // All of it is data in the saved file.
  const file = `${dir}/organised.sluice.json`;
  await saveAs(page, file);
  const saved = JSON.parse(readFileSync(path.resolve(file), 'utf8'));
  expect(saved.notes).toEqual([
    expect.objectContaining({ id: 'note', text: 'Ticks feed the city namer.\nDisabled while we test.' }),
  ]);
  expect(saved.notes[0].position.y).toBeLessThan(0);
  expect(saved.groups).toEqual([{ id: 'group', title: 'Ingest', nodes: ['gen', 'city'] }]);
  expect(saved.nodes[1]).toMatchObject({ id: 'city', disabled: true });

  // It runs to the end: the disabled map took every event and passed none on.
  await runFresh(page);
  await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', 'finished', { timeout: 30_000 });
  await expect.poll(async () => (await edgeTotals(page)).e1).toBe(2000);
  expect((await edgeTotals(page)).e2).toBe(0);
});
