import { expect, test } from '@playwright/test';
import { openEditor, SHOTS } from './editorHarness.js';
import { importGraph, runFresh } from './liveHarness.js';

const graph = {
  format: 'sluice/graph',
  version: 1,
  name: 'Alerting',
  nodes: [
    {
      id: 'gen',
      type: 'source.generator',
      label: 'Ticks',
      position: { x: 0, y: 0 },
      config: { ratePerSec: 200, count: 1600 },
    },
    { id: 'city', type: 'map', label: 'Name a city', position: { x: 300, y: 0 }, config: { expression: 'value' } },
    { id: 'out', type: 'sink.discard', label: 'Nowhere', position: { x: 600, y: 0 }, config: {} },
  ],
  edges: [
    { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'city', port: 'in' } },
    { id: 'e2', from: { node: 'city', port: 'out' }, to: { node: 'out', port: 'in' } },
  ],
};

test('alert rules edited in the inspector fire on the canvas and in the notifications, and clear when the run ends', async ({
  page,
}) => {
  await openEditor(page);
  await importGraph(page, graph, 'alerting.sluice.json');
  await expect(page.getByTestId('doc-name')).toHaveText('Alerting');

  // A rule on the node, from its inspector: it starts on the node; a bad one says why.
  await page.getByTestId('node-city').locator('.sl-node-title').click();
  await page.getByTestId('alert-add').click();
  const when = page.getByTestId('alert-when-0');
  await expect(when).toHaveValue('node city errors > 0');
  await when.fill('node city rat > 50');
  await expect(page.getByTestId('alert-rule-0')).toContainText('rat');
  await expect(page.getByTestId('alert-rule-0').locator('.alert-problem')).toBeVisible();
  await when.fill('node city rate > 50');
  await expect(page.getByTestId('alert-rule-0').locator('.alert-problem')).toHaveCount(0);

  // A rule on the edge, from the graph's settings.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('graph-settings')).toBeVisible();
  await page.getByTestId('alert-add').click();
  await page.getByTestId('alert-when-1').fill('edge e2 rate > 50');
  await page.getByTestId('alert-for-1').fill('500');

  await runFresh(page);
  await expect(page.getByTestId('node-alert-city')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('edge-alert-e2')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('alert-banner')).toContainText('2 alerts firing');
  await expect(page.getByTestId('alert-rule-0')).toHaveClass(/firing/);
  await expect(page.getByTestId('notice')).toContainText('Alert fired');
  await page.screenshot({ path: `${SHOTS}/43-alerts-firing.png` });
  // Clicking a firing alert selects what it watches.
  await page.getByTestId('alert-firing').filter({ hasText: 'node city' }).click();
  await expect(page.getByTestId('node-id')).toHaveValue('city');
  await expect(page.getByTestId('alert-rule-0')).toBeVisible();

  // 1600 events at 200/s: the run finishes and every alert clears.
  await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', 'finished', { timeout: 30_000 });
  await expect(page.getByTestId('node-alert-city')).toHaveCount(0);
  await expect(page.getByTestId('edge-alert-e2')).toHaveCount(0);
  await expect(page.getByTestId('alert-cleared')).toContainText('Cleared');
});
