import { expect, test } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { openEditor, SHOTS } from './editorHarness.js';
import { importGraph, runFresh } from './liveHarness.js';

const EDGES = 200;
const MEASURE_MS = 10_000;

/** A generator feeding a chain of 199 maps into a console: 200 edges, laid out on a 20-wide grid. */
function chainGraph(): unknown {
  const nodes: unknown[] = [];
  const edges: unknown[] = [];
  for (let i = 0; i <= EDGES; i++) {
    const type = i === 0 ? 'source.generator' : i === EDGES ? 'sink.console' : 'map';
    const config = i === 0 ? { ratePerSec: 400, keys: 10 } : i === EDGES ? { prefix: '' } : { expression: 'value' };
    nodes.push({ id: `n${i}`, type, position: { x: (i % 20) * 260, y: Math.floor(i / 20) * 200 }, config });
    if (i > 0) edges.push({ id: `e${i}`, from: { node: `n${i - 1}`, port: 'out' }, to: { node: `n${i}`, port: 'in' } });
  }
  return { format: 'sluice/graph', version: 1, name: 'Two hundred edges', nodes, edges };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

test('200 live edges at 4 Hz cost little main-thread time per frame', async ({ page }) => {
  test.setTimeout(90_000);
  await page.addInitScript(() => {
    (window as unknown as { __sluiceFrameTiming: boolean }).__sluiceFrameTiming = true;
  });
  await openEditor(page);
  await importGraph(page, chainGraph(), 'two-hundred.sluice.json');
  await expect(page.getByTestId('doc-name')).toHaveText('Two hundred edges');
  // Every edge on screen: the worst case (culling would hide most of them).
  await page.locator('.react-flow__controls-fitview').click();
  await page.waitForTimeout(400);
  await runFresh(page);
  // Wait until frames carry every edge, then measure a steady window.
  await expect(page.locator('[data-testid^="edge-label-"]')).toHaveCount(EDGES, { timeout: 15_000 });
  await expect(page.getByTestId('edge-label-e200')).toHaveAttribute('data-flowing', 'true', { timeout: 15_000 });

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskTime = async () => {
    const { metrics } = (await cdp.send('Performance.getMetrics')) as {
      metrics: Array<{ name: string; value: number }>;
    };
    return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000;
  };
  await page.evaluate(() => performance.clearMeasures('sluice:frame'));
  const task0 = await taskTime();
  await page.waitForTimeout(MEASURE_MS);
  const task1 = await taskTime();
  const frames = await page.evaluate(() => performance.getEntriesByName('sluice:frame').map((e) => e.duration));
  await page.screenshot({ path: `${SHOTS}/27-two-hundred-edges.png` });
  await page.getByTestId('action-stop').click();

  const sorted = [...frames].sort((a, b) => a - b);
  const mean = frames.reduce((a, b) => a + b, 0) / frames.length;
  const result = {
    edges: EDGES,
    framesMeasured: frames.length,
    frameRateHz: frames.length / (MEASURE_MS / 1000),
    /** Store update + React render and commit of one frame (user timing around the update). */
    applyMs: {
      mean: +mean.toFixed(2),
      p50: +percentile(sorted, 0.5).toFixed(2),
      p95: +percentile(sorted, 0.95).toFixed(2),
      max: +(sorted[sorted.length - 1] ?? NaN).toFixed(2),
    },
    /** All main-thread task time (script, style, layout, paint, the dash animation, socket) per frame. */
    mainThreadMsPerFrame: +((task1 - task0) / frames.length).toFixed(2),
    measuredAt: new Date().toISOString(),
    browser: 'chromium (Debian), headless, 1440x900, fit view (every edge visible)',
  };
  console.log(`live frame cost, ${EDGES} edges: ${JSON.stringify(result)}`);
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/bench-live-frame.json', JSON.stringify(result, null, 2) + '\n');

  expect(frames.length).toBeGreaterThanOrEqual((MEASURE_MS / 1000) * 3.5);
  // The target is 8 ms; this guards against regressions on a loaded 2-core machine (the run shares it).
  expect(result.applyMs.p50).toBeLessThanOrEqual(40);
});
