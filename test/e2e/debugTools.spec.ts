import { expect, test } from '@playwright/test';
import { openEditor, SHOTS } from './editorHarness.js';
import { importGraph, runFresh } from './liveHarness.js';

/** An unbounded paced generator → a map that names a city → a sink that discards. */
const cities = {
  format: 'sluice/graph',
  version: 1,
  name: 'Debug cities',
  nodes: [
    { id: 'gen', type: 'source.generator', label: 'Ticks', position: { x: 0, y: 0 }, config: { ratePerSec: 200 } },
    {
      id: 'city',
      type: 'map',
      label: 'Name a city',
      position: { x: 280, y: 0 },
      config: { expression: '({ seq: value.seq, city: value.seq % 2 === 0 ? "Oslo" : "Lima" })' },
    },
    { id: 'out', type: 'sink.discard', label: 'Nowhere', position: { x: 560, y: 0 }, config: {} },
  ],
  edges: [
    { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'city', port: 'in' } },
    { id: 'e2', from: { node: 'city', port: 'out' }, to: { node: 'out', port: 'in' } },
  ],
};

test('the debug sidebar shows a debugged node’s messages newest first, filters, expands, copies, reveals the node and keeps them after Stop', async ({
  page,
}) => {
  await openEditor(page);
  await importGraph(page, cities, 'cities.sluice.json');
  await expect(page.getByTestId('doc-name')).toHaveText('Debug cities');

  // The node's "dbg" toggle opens the sidebar, which says what comes.
  await page.getByTestId('node-city').hover();
  await page.getByTestId('node-debug-city').click();
  await expect(page.getByTestId('node-debug-city')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('debug-sidebar')).toBeVisible();
  await expect(page.getByTestId('debug-empty')).toContainText('run the graph');

  await runFresh(page);
  const messages = page.getByTestId('debug-message');
  await expect.poll(() => messages.count(), { timeout: 20_000 }).toBeGreaterThan(10);
  await expect(messages.first().getByTestId('debug-message-node')).toHaveText('Name a city');
  // Newest first: the first row's seq is above the last row's.
  const seqOf = async (i: number) => Number(/"seq":(\d+)/.exec((await messages.nth(i).textContent()) ?? '')?.[1]);
  const last = (await messages.count()) - 1;
  expect(await seqOf(0)).toBeGreaterThan(await seqOf(last));
  await page.screenshot({ path: `${SHOTS}/40-debug-sidebar.png` });

  // Text filter: only Lima.
  await page.getByTestId('debug-filter-text').fill('lima');
  await expect(page.getByTestId('debug-count')).toContainText(' of ');
  for (const text of await messages.allTextContents()) expect(text).toContain('Lima');

  await page.getByTestId('action-stop').click();
  await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', 'stopped', { timeout: 30_000 });
  const kept = await messages.count();
  expect(kept).toBeGreaterThan(0);

  // Expand one as JSON; clicking it selects its node on the canvas (the inspector shows it).
  await page.getByTestId('node-gen').locator('.sl-node-title').click();
  await messages.first().locator('.debug-msg-head').click();
  await expect(messages.first().getByTestId('debug-message-json')).toContainText('"city": "Lima"');
  await expect(page.getByTestId('node-city')).toHaveClass(/selected/);
  await expect(page.getByTestId('node-id')).toHaveValue('city');
  await page.screenshot({ path: `${SHOTS}/41-debug-expanded.png` });

  // Copy: the clipboard holds the event's JSON.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await messages.first().getByTestId('debug-message-copy').click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(JSON.parse(copied)).toMatchObject({ value: { city: 'Lima' } });

  // Node filter, then clear: the sidebar empties, and still after the run stopped.
  await page.getByTestId('debug-filter-text').fill('');
  await page.getByTestId('debug-filter-node').selectOption('city');
  expect(await messages.count()).toBe(Math.min(200, await messages.count()));
  await page.getByTestId('debug-clear').click();
  await expect(messages).toHaveCount(0);
  // The dock's tab hides and shows the sidebar.
  await page.getByTestId('dock-tab-debug').click();
  await expect(page.getByTestId('debug-sidebar')).toHaveCount(0);
  await page.getByTestId('dock-tab-debug').click();
  await expect(page.getByTestId('debug-sidebar')).toBeVisible();
});
