import { expect, test, type Page } from '@playwright/test';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { openEditor, SHOTS } from './editorHarness.js';
import { importGraph, runFresh } from './liveHarness.js';

const EDGES = 200;
const MEASURE_MS = 10_000;
const OUT = 'test-results/bench-liveFrame.json';

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

function summary(values: number[]): { p50: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const r = (n: number) => +n.toFixed(2);
  return {
    p50: r(percentile(sorted, 0.5)),
    p95: r(percentile(sorted, 0.95)),
    max: r(sorted[sorted.length - 1] ?? NaN),
  };
}

/**
 * One scenario: every edge and node on screen (fit view, so culling hides nothing), a run at 4
 * frames a second, and a steady window measured with the performance API (user timing around
 * the store update and around the live layer's paint) and the browser's own task counters.
 */
async function measure(page: Page, scenario: string, detailed: boolean): Promise<Record<string, unknown>> {
  await page.addInitScript(() => {
    (window as unknown as { __sluiceFrameTiming: boolean }).__sluiceFrameTiming = true;
  });
  await openEditor(page);
  await importGraph(page, chainGraph(), 'two-hundred.sluice.json');
  await expect(page.getByTestId('doc-name')).toHaveText('Two hundred edges');
  await page.locator('.react-flow__controls-fitview').click();
  await page.waitForTimeout(400);
  await runFresh(page);
  await expect(page.locator('[data-testid^="edge-label-"]')).toHaveCount(EDGES, { timeout: 15_000 });
  await expect(page.getByTestId('edge-label-e200')).toHaveAttribute('data-flowing', 'true', { timeout: 15_000 });
  // The live layer drew every label and every node's counters, with or without text by zoom.
  const layer = page.getByTestId('live-layer');
  await expect(layer).toHaveAttribute('data-labels', String(EDGES));
  await expect(layer).toHaveAttribute('data-badges', String(EDGES + 1));
  await expect(layer).toHaveAttribute('data-detail', String(detailed));

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const counters = async () => {
    const { metrics } = (await cdp.send('Performance.getMetrics')) as {
      metrics: Array<{ name: string; value: number }>;
    };
    const get = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
    return { task: get('TaskDuration'), script: get('ScriptDuration') };
  };
  await page.evaluate(() => {
    performance.clearMeasures('sluice:frame');
    performance.clearMeasures('sluice:paint');
  });
  // One-second windows: the whole-thread figures per frame are taken per window, so one GC or
  // a burst from another process moves one window, not the median.
  const frameCount = () => page.evaluate(() => performance.getEntriesByName('sluice:frame').length);
  const windows: Array<{ task: number; script: number }> = [];
  const c0 = await counters();
  let prev = { ...c0, frames: await frameCount() };
  for (let elapsed = 0; elapsed < MEASURE_MS; elapsed += 1000) {
    await page.waitForTimeout(1000);
    const now = { ...(await counters()), frames: await frameCount() };
    const n = now.frames - prev.frames;
    if (n > 0) windows.push({ task: (now.task - prev.task) / n, script: (now.script - prev.script) / n });
    prev = now;
  }
  const c1 = prev;
  const { frames, paints } = await page.evaluate(() => ({
    frames: performance.getEntriesByName('sluice:frame').map((e) => e.duration),
    paints: performance.getEntriesByName('sluice:paint').map((e) => e.duration),
  }));
  await page.screenshot({ path: `${SHOTS}/27-two-hundred-edges-${scenario}.png` });
  await page.getByTestId('action-stop').click();

  const apply = summary(frames);
  const paint = summary(paints);
  const viewport = page.viewportSize()!;
  return {
    edges: EDGES,
    viewport: `${viewport.width}x${viewport.height}`,
    textDrawn: detailed,
    framesMeasured: frames.length,
    frameRateHz: +(frames.length / (MEASURE_MS / 1000)).toFixed(2),
    /** Decoding the frame into the store, and React's commit of what it changed (user timing). */
    applyMs: apply,
    /** The live layer drawing every label and node counter on its canvas (user timing). */
    paintMs: paint,
    paintsPerFrame: +(paints.length / frames.length).toFixed(2),
    /** The app's own work per frame: apply + paint at their medians. */
    appMsP50: +(apply.p50 + paint.p50 * (paints.length / frames.length)).toFixed(2),
    /** All JavaScript on the main thread per frame (the browser's counter; includes the socket and GC). */
    scriptMsPerFrame: +((c1.script - c0.script) / frames.length).toFixed(2),
    /** The same, the median and worst of 1-s windows. */
    scriptMsPerFrameWindows: summary(windows.map((w) => w.script)),
    /** All main-thread task time per frame: script plus the browser's style, layout, paint, compositing and hit testing. */
    mainThreadMsPerFrame: +((c1.task - c0.task) / frames.length).toFixed(2),
    /** The same, the median and worst of 1-s windows. */
    mainThreadMsPerFrameWindows: summary(windows.map((w) => w.task)),
    measuredAt: new Date().toISOString(),
    browser: 'chromium (Debian), headless, software rendering; pointer resting over the canvas',
  };
}

function record(scenario: string, result: Record<string, unknown>): void {
  console.log(`live frame cost, ${scenario}: ${JSON.stringify(result)}`);
  mkdirSync('test-results', { recursive: true });
  const all = existsSync(OUT) ? (JSON.parse(readFileSync(OUT, 'utf8')) as Record<string, unknown>) : {};
  all[scenario] = result;
  writeFileSync(OUT, JSON.stringify(all, null, 2) + '\n');
}

function check(result: Record<string, unknown>): void {
  expect(result.frameRateHz as number).toBeGreaterThanOrEqual(3.5);
  // The target is 8 ms (see the README's table); this only guards against a return to
  // per-edge React renders on a loaded 2-core machine, which cost 10-20 ms.
  expect(result.appMsP50 as number).toBeLessThanOrEqual(30);
}

// No trace: its DOM snapshots cost main-thread time of their own.
test.use({ trace: 'off' });

test.describe('200 live edges at 4 Hz', () => {
  test.describe('laptop screen, fit view', () => {
    test.use({ viewport: { width: 1440, height: 900 } });
    test('labels without text at this zoom cost little per frame', async ({ page }) => {
      test.setTimeout(90_000);
      const result = await measure(page, 'laptop', false);
      record('laptop', result);
      check(result);
    });
  });

  test.describe('4K screen, fit view: every label readable', () => {
    test.use({ viewport: { width: 3840, height: 2160 } });
    test('every label and counter drawn with text costs little per frame', async ({ page }) => {
      test.setTimeout(90_000);
      const result = await measure(page, '4k', true);
      record('4k', result);
      check(result);
    });
  });
});
