import { expect, test } from '@playwright/test';
import { openEditor } from './editorHarness.js';
import { freshDir, runFresh, saveAs } from './liveHarness.js';

test('event time on the canvas: the edge card shows how far the watermark trails the newest event, the reorder counts late events', async ({
  page,
}) => {
  const dir = freshDir('sensors');
  await openEditor(page);
  await page.getByTestId('action-templates').click();
  await page.getByTestId('template-out-of-order-sensors').click();
  await saveAs(page, `${dir}/sensors.sluice.json`);
  await runFresh(page);
  await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', /starting|running/);

  // The reorder holds 500 ms of event time: its output edge's watermark trails by about that.
  await expect(page.getByTestId('node-live-sorted')).toHaveAttribute('aria-label', /watermark .*, \d+ late$/, {
    timeout: 20_000,
  });
  await page.getByTestId('edge-label-e1').hover();
  const row = page.getByTestId('edge-watermark');
  await expect(row).toContainText(/\d+(\.\d+)? (ms|s) behind the newest event/);
  await page.mouse.move(5, 5);
  await page.getByTestId('edge-label-e2').hover();
  await expect(page.getByTestId('edge-watermark')).toContainText('behind the newest event');
  await page.mouse.move(5, 5);
  await expect(page.getByTestId('node-live-average')).toHaveAttribute('aria-label', /watermark /);
  await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', 'finished', { timeout: 40_000 });
});
