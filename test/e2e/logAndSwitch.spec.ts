import { expect, test } from '@playwright/test';
import { openEditor, SHOTS } from './editorHarness.js';

test('console sink output reaches the Log panel, and opening another graph clears the last graph’s live data', async ({
  page,
}) => {
  await openEditor(page);
  await page.getByTestId('action-templates').click();
  await page.getByTestId('template-fraud-alerts').click();
  await expect(page.getByTestId('doc-name')).toHaveText('Fraud alerts');
  await expect(page.getByTestId('action-run')).toBeEnabled();
  await page.getByTestId('action-run').click();
  await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', /running|finished/, { timeout: 15_000 });

  // The console sink ("normal", prefix "ok") writes into the Log panel, its node named apart.
  await page.getByTestId('dock-tab-log').click();
  const line = page.getByTestId('log-panel').locator('li', { hasText: /^normal ok \{"id":/ });
  await expect(line.first()).toBeVisible({ timeout: 15_000 });
  await page.screenshot({ path: `${SHOTS}/log-console-lines.png` });
  await expect(page.locator('[data-testid^="edge-label-"]').first()).toBeAttached();

  // Another graph: no figures of the last one stay (same edge ids e1…), no run bar, an empty log.
  await page.getByTestId('action-templates').click();
  await page.getByTestId('template-standard-pipeline').click();
  await expect(page.getByTestId('doc-name')).toHaveText('Standard pipeline');
  await expect(page.locator('[data-testid^="edge-label-"]')).toHaveCount(0);
  await expect(page.getByTestId('run-bar')).toHaveCount(0);
  await expect(page.getByTestId('log-panel')).toHaveCount(0);
  await expect(page.getByTestId('run-status')).not.toContainText(/running|finished|refused/);
  const canvas = page.getByTestId('live-layer');
  await expect(canvas).toHaveAttribute('data-labels', '0');
});
