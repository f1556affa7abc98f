import { expect, test } from '@playwright/test';
import { openEditor, SHOTS } from './editorHarness.js';
import { importGraph } from './liveHarness.js';

// Issue 11, defect 6: figures that contradict each other. Each figure has one source of truth.

test('a finished template run: watermark lag against event time, a filter’s drops, checkpoints agree, no bottleneck after FINISHED', async ({
  page,
}) => {
  await openEditor(page);
  await page.getByTestId('action-templates').click();
  await page.getByTestId('template-fraud-alerts').click();
  await expect(page.getByTestId('action-run')).toBeEnabled();
  await page.getByTestId('action-run').click();
  const chip = page.getByTestId('run-chip');
  await expect(chip).toHaveAttribute('data-status', 'finished', { timeout: 60_000 });

  // The window's watermark trails the newest payment it saw (seconds), not today's clock (days).
  const spend = page.getByTestId('node-live-spend');
  await expect(spend).toHaveAttribute('aria-label', /watermark \S+ · [\d.]+ (ms|s) behind newest/);
  await expect(spend).not.toHaveAttribute('aria-label', / d behind/);
  // "Amount over 100" passes only the larger payments: what it rejected is its drop count.
  const large = page.getByTestId('node-live-large');
  const dropped = Number(await large.getAttribute('data-dropped'));
  const nodeIn = Number(await large.getAttribute('data-in'));
  const nodeOut = Number(await large.getAttribute('data-out'));
  expect(dropped).toBeGreaterThan(0);
  expect(nodeOut + dropped).toBe(nodeIn);

  // After FINISHED: no bottleneck sentence, no red edges, nothing marked as pressing.
  await expect(page.getByTestId('bottleneck')).toHaveText('');
  await expect(page.locator('.react-flow__edge-path.bottleneck')).toHaveCount(0);
  await expect(page.locator('[data-pressure="blocked"], [data-pressure="strained"]')).toHaveCount(0);

  // The Checkpoints panel lists the checkpoint the status bar names.
  const bar = (await page.getByTestId('run-checkpoint').textContent()) ?? '';
  const last = Number(/checkpoint #(\d+)/.exec(bar)?.[1]);
  expect(last).toBeGreaterThan(0);
  await page.getByTestId('dock-tab-checkpoints').click();
  await expect(page.getByTestId('checkpoint-row').first()).toBeVisible();
  await expect(page.getByTestId('checkpoint-row').first().locator('td').first()).toHaveText(String(last));
  await page.screenshot({ path: `${SHOTS}/figures-finished.png` });
});

test('the dead-letters badge counts what the panel lists, and a recovery’s reason is gone after Stop', async ({
  page,
}) => {
  const graph = {
    format: 'sluice/graph',
    version: 1,
    name: 'Poison and crash',
    settings: { checkpointIntervalMs: 300 },
    nodes: [
      { id: 'gen', type: 'source.generator', position: { x: 0, y: 0 }, config: { count: 100000, ratePerSec: 400 } },
      {
        id: 'fn',
        type: 'function',
        position: { x: 300, y: 0 },
        config: { code: 'if (value.seq % 50 === 7) throw new Error("bad " + value.seq); return value;' },
      },
      { id: 'out', type: 'sink.discard', position: { x: 600, y: 0 }, config: {} },
    ],
    edges: [
      { id: 'a', from: { node: 'gen', port: 'out' }, to: { node: 'fn', port: 'in' } },
      { id: 'b', from: { node: 'fn', port: 'out' }, to: { node: 'out', port: 'in' } },
    ],
  };
  await openEditor(page);
  await importGraph(page, graph, 'poison.sluice.json');
  await expect(page.getByTestId('doc-name')).toHaveText('Poison and crash');
  await expect(page.getByTestId('action-run')).toBeEnabled();
  await page.getByTestId('action-run').click();
  const trust = page.getByTestId('trust-accept');
  await expect(trust.or(page.getByTestId('run-chip'))).toBeVisible();
  if (await trust.isVisible()) await trust.click();
  const chip = page.getByTestId('run-chip');
  await expect(chip).toHaveAttribute('data-status', 'running', { timeout: 15_000 });
  await expect(page.getByTestId('dead-letter-badge')).toBeVisible({ timeout: 15_000 });

  // A crash: the run recovers and says why; after Stop that reason is gone.
  await page.getByTestId('debug-menu').click();
  await page.getByTestId('menu-crashRun').click();
  await expect(page.getByTestId('run-reason')).toBeVisible({ timeout: 15_000 });
  await expect(chip).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  await page.getByTestId('action-stop').click();
  await expect(chip).toHaveAttribute('data-status', 'stopped', { timeout: 30_000 });
  await expect(page.getByTestId('run-reason')).toHaveCount(0);
  await expect(page.getByTestId('run-status')).not.toContainText(/exited|killed|worker/);

  // The badge and the panel: the same number.
  await page.getByTestId('dock-tab-deadLetters').click();
  const listed = Number(
    /^(\d+) dead letter/.exec((await page.getByTestId('dead-letter-count').textContent()) ?? '')?.[1],
  );
  expect(listed).toBeGreaterThan(0);
  await expect(page.getByTestId('dead-letter-badge')).toHaveText(String(listed));
});
