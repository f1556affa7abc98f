import { expect, test } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { openEditor, SHOTS } from './editorHarness.js';
import { edgeTotals, freshDir, importGraph, paintedIn, paintedOver, runFresh, saveAs } from './liveHarness.js';

test('the fraud-alerts example runs live: every edge flows within 3 s and the final counts match the sink', async ({
  page,
}) => {
  const dir = freshDir('fraud');
  await openEditor(page);
  await page.getByTestId('action-templates').click();
  await page.getByTestId('template-fraud-alerts').click();
  await expect(page.getByTestId('doc-name')).toHaveText('Fraud alerts');
  // Saved, so the run has a state store (checkpoints, dead letters) and writes beside the graph.
  await saveAs(page, `${dir}/fraud.sluice.json`);
  // Every edge on screen: a fit view stops at a readable zoom, so zoom out (labels keep their size).
  for (let i = 0; i < 3; i++) await page.locator('.react-flow__controls-zoomout').click();

  const edges = ['e1', 'e2', 'e3', 'e4', 'e5', 'e6'];
  await runFresh(page);
  const started = Date.now();
  await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', /starting|running/);
  // Every edge reports a non-zero rate within 3 s of pressing Run.
  await expect
    .poll(
      async () => {
        const rates = await Promise.all(
          edges.map((id) =>
            page
              .getByTestId(`edge-label-${id}`)
              .getAttribute('data-flowing', { timeout: 200 })
              .catch(() => null),
          ),
        );
        return rates.filter((r) => r === 'true').length;
      },
      { timeout: 3000, intervals: [100] },
    )
    .toBe(edges.length);
  const allFlowingMs = Date.now() - started;
  console.log(`fraud-alerts: every edge non-zero ${allFlowingMs} ms after Run`);
  await expect(page.getByTestId('run-rate')).not.toHaveText(/^0\/s/);
  await expect(page.getByTestId('edge-path-e1')).toHaveClass(/moving/);
  await expect(page.getByTestId('node-live-spend')).toHaveAttribute('aria-label', /watermark .* behind/);
  await page.waitForTimeout(1200);
  await page.screenshot({ path: `${SHOTS}/20-fraud-running.png` });

  // The hover card: latency, bytes/s, totals and sparklines.
  await page.getByTestId('edge-label-e3').hover();
  const card = page.getByTestId('edge-card');
  await expect(card).toContainText('latency p99');
  await expect(card).toContainText('bytes/s');
  await expect(card.locator('.sparkline polyline').first()).toBeAttached();
  await page.screenshot({ path: `${SHOTS}/21-fraud-hover-card.png` });
  await page.mouse.move(5, 5);

  // The run finishes by itself (20,000 payments at 2,000/s), with a checkpoint on the status bar.
  await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', 'finished', { timeout: 30_000 });
  await expect(page.getByTestId('run-checkpoint')).toContainText('checkpoint #');
  await page.screenshot({ path: `${SHOTS}/22-fraud-finished.png` });

  // Counts match along the graph and against the sink's file.
  const totals = await edgeTotals(page);
  expect(totals.e1).toBe(20_000);
  const nodeIn = async (id: string) => Number(await page.getByTestId(`node-live-${id}`).getAttribute('data-in'));
  const nodeOut = async (id: string) => Number(await page.getByTestId(`node-live-${id}`).getAttribute('data-out'));
  expect(await nodeOut('payments')).toBe(20_000);
  expect(await nodeIn('large')).toBe(totals.e1);
  expect(await nodeOut('large')).toBe(totals.e2);
  expect(await nodeIn('byCard')).toBe(totals.e2);
  expect(totals.e3).toBe(totals.e2);
  expect(await nodeOut('spend')).toBe(totals.e4);
  expect(totals.e5! + totals.e6!).toBe(totals.e4);
  expect(await nodeIn('alerts')).toBe(totals.e5);
  expect(await nodeIn('normal')).toBe(totals.e6);
  const file = path.join(dir, 'out/fraud-alerts.jsonl');
  expect(existsSync(file)).toBe(true);
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  expect(lines.length).toBe(totals.e5);
  expect(lines.length).toBeGreaterThan(0);

  // The checkpoints panel lists the store's checkpoints.
  await page.getByTestId('dock-tab-checkpoints').click();
  await expect(page.getByTestId('checkpoint-row').first()).toBeVisible();
});

/**
 * Two sources merge into a slow step (2 ms of CPU per event), then a console. The merge gives the
 * edges into the slow step real queues between workers, so the producer's wait is measured.
 */
const slowStep = {
  format: 'sluice/graph',
  version: 1,
  name: 'Slow enrich',
  settings: { checkpointIntervalMs: 1000, defaultEdgeCapacity: 64 },
  nodes: [
    { id: 'gen', type: 'source.generator', label: 'Fast source', position: { x: 0, y: 0 }, config: { keys: 4 } },
    {
      id: 'gen2',
      type: 'source.generator',
      label: 'Trickle',
      position: { x: 0, y: 200 },
      config: { keys: 4, ratePerSec: 5 },
    },
    {
      id: 'enrich',
      type: 'map',
      label: 'enrich',
      position: { x: 340, y: 80 },
      config: { expression: '(() => { const t = Date.now(); while (Date.now() - t < 2) {} return value; })()' },
    },
    { id: 'out', type: 'sink.console', label: 'Console', position: { x: 680, y: 80 }, config: {} },
  ],
  edges: [
    { id: 'in', from: { node: 'gen', port: 'out' }, to: { node: 'enrich', port: 'in' } },
    { id: 'in2', from: { node: 'gen2', port: 'out' }, to: { node: 'enrich', port: 'in' } },
    { id: 'down', from: { node: 'enrich', port: 'out' }, to: { node: 'out', port: 'in' } },
  ],
};

test('a slow step shows its upstream edge as backpressured, names the bottleneck, and can be tapped', async ({
  page,
}) => {
  await openEditor(page);
  await importGraph(page, slowStep, 'slow.sluice.json');
  await expect(page.getByTestId('doc-name')).toHaveText('Slow enrich');
  await runFresh(page);
  await expect(page.getByTestId('edge-label-in')).toHaveAttribute('data-pressure', 'blocked', { timeout: 8000 });
  await expect(page.getByTestId('edge-path-in')).toHaveAttribute('data-pressure', 'blocked');
  await expect(page.getByTestId('edge-label-down')).not.toHaveAttribute('data-pressure', /blocked|strained/);
  // The label is painted in the blocked colours (#c92a2a text on #fff0f0), the other one is not.
  await expect.poll(() => paintedOver(page, 'edge-label-in', [0xc9, 0x2a, 0x2a])).toBe(true);
  expect(await paintedOver(page, 'edge-label-down', [0xc9, 0x2a, 0x2a])).toBe(false);
  await expect(page.getByTestId('bottleneck')).toContainText(/enrich is \d+% busy; 1 edge upstream is blocked/);
  await expect(page.getByTestId('node-enrich')).toHaveClass(/bottleneck/);
  await page.screenshot({ path: `${SHOTS}/23-backpressure-bottleneck.png` });

  // Tap the edge after the slow step: a live sample of its events, pausable.
  await page.getByTestId('edge-label-down').hover();
  await page.getByTestId('edge-tap').click();
  await expect(page.getByTestId('tap-panel')).toBeVisible();
  await expect(page.getByTestId('tap-event').first()).toBeVisible({ timeout: 5000 });
  await expect(page.getByTestId('tap-event').first()).toContainText('seq');
  await page.getByTestId('tap-pause').click();
  const shown = await page.getByTestId('tap-event').count();
  await page.waitForTimeout(800);
  expect(await page.getByTestId('tap-event').count()).toBe(shown);
  await page.screenshot({ path: `${SHOTS}/24-tap-panel.png` });
  await page.getByTestId('tap-pause').click();

  await page.getByTestId('action-stop').click();
  await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });
});

/** generator → throttle (10/s, delay) → console. */
const throttled = {
  format: 'sluice/graph',
  version: 1,
  name: 'Throttled',
  settings: { checkpointIntervalMs: 1000, defaultEdgeCapacity: 64 },
  nodes: [
    { id: 'gen', type: 'source.generator', label: 'Fast source', position: { x: 0, y: 0 }, config: { keys: 4 } },
    {
      id: 'slow',
      type: 'throttle',
      label: 'Throttle 10/s',
      position: { x: 320, y: 0 },
      config: { ratePerSec: 10, mode: 'delay' },
    },
    { id: 'out', type: 'sink.console', label: 'Console', position: { x: 640, y: 0 }, config: {} },
  ],
  edges: [
    { id: 'in', from: { node: 'gen', port: 'out' }, to: { node: 'slow', port: 'in' } },
    { id: 'down', from: { node: 'slow', port: 'out' }, to: { node: 'out', port: 'in' } },
  ],
};

// The throttle is fused with its source: the runtime counts the time the source waits on the
// throttle as backpressure on the edge between them.
test('a throttled pipeline shows its upstream edge as backpressured, and the live layer follows a moved node', async ({
  page,
}) => {
  await openEditor(page);
  await importGraph(page, throttled, 'throttled.sluice.json');
  await expect(page.getByTestId('doc-name')).toHaveText('Throttled');
  await runFresh(page);
  try {
    await expect(page.getByTestId('edge-label-in')).toHaveAttribute('data-pressure', /blocked|strained/, {
      timeout: 5000,
    });
    await expect(page.getByTestId('bottleneck')).toContainText('Throttle 10/s');

    // Moving a node mid-run: its counters and the label of the edge into it follow at once.
    const dark: [number, number, number] = [0x4a, 0x52, 0x65];
    await expect.poll(() => paintedOver(page, 'node-live-out', dark)).toBe(true);
    const before = (await page.getByTestId('node-live-out').boundingBox())!;
    const title = (await page.getByTestId('node-out').locator('.sl-node-title').boundingBox())!;
    await page.mouse.move(title.x + 10, title.y + 5);
    await page.mouse.down();
    await page.mouse.move(title.x + 10, title.y + 105, { steps: 6 });
    await page.mouse.move(title.x + 10, title.y + 205, { steps: 6 });
    await page.mouse.up();
    const after = (await page.getByTestId('node-live-out').boundingBox())!;
    expect(after.y - before.y).toBeGreaterThan(150);
    await expect.poll(() => paintedOver(page, 'node-live-out', dark)).toBe(true);
    await expect.poll(() => paintedIn(page, before, dark)).toBe(false);
  } finally {
    await page.getByTestId('action-stop').click();
    await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });
  }
});

test('a function that throws fills the dead letters panel and the node counts its errors', async ({ page }) => {
  const dir = freshDir('poison');
  const graph = {
    format: 'sluice/graph',
    version: 1,
    name: 'Poison',
    nodes: [
      { id: 'gen', type: 'source.generator', position: { x: 0, y: 0 }, config: { count: 500, ratePerSec: 500 } },
      {
        id: 'parse',
        type: 'function',
        label: 'Parse',
        position: { x: 320, y: 0 },
        config: {
          code: "if (event.value.seq % 10 === 3) throw new Error('bad record ' + event.value.seq);\nreturn event.value;",
        },
      },
      {
        id: 'chart',
        type: 'sink.chart',
        label: 'Sequence',
        position: { x: 640, y: 0 },
        config: { expression: 'value.seq % 50', title: 'seq mod 50' },
      },
    ],
    edges: [
      { id: 'a', from: { node: 'gen', port: 'out' }, to: { node: 'parse', port: 'in' } },
      { id: 'b', from: { node: 'parse', port: 'out' }, to: { node: 'chart', port: 'in' } },
    ],
  };
  await openEditor(page);
  await importGraph(page, graph, 'poison.sluice.json');
  await expect(page.getByTestId('doc-name')).toHaveText('Poison');
  await saveAs(page, `${dir}/poison.sluice.json`);
  await runFresh(page);
  await page.getByTestId('dock-tab-charts').click();
  await expect(page.getByTestId('live-chart')).not.toHaveAttribute('data-points', '0', { timeout: 5000 });
  await page.screenshot({ path: `${SHOTS}/25-chart.png` });
  await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', 'finished', { timeout: 20_000 });
  await expect(page.getByTestId('node-live-parse')).toHaveAttribute('data-errors', '50');
  await expect(page.getByTestId('node-live-parse')).toHaveAttribute('aria-label', /50 errors/);
  // The error count is painted red (#d93036) under the node; a node without errors has no red.
  expect(await paintedOver(page, 'node-live-parse', [0xd9, 0x30, 0x36])).toBe(true);
  expect(await paintedOver(page, 'node-live-gen', [0xd9, 0x30, 0x36])).toBe(false);
  await page.getByTestId('dock-tab-deadLetters').click();
  await expect(page.getByTestId('dead-letter')).toHaveCount(50, { timeout: 5000 });
  await expect(page.getByTestId('dead-letter').first()).toContainText('bad record');
  await expect(page.getByTestId('dead-letter').first()).toContainText('parse');
  const download = page.waitForEvent('download');
  await page.getByTestId('dead-letters-export').click();
  const file = await download;
  const text = readFileSync((await file.path())!, 'utf8');
  const rows = text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { node: string; error: string });
  expect(rows).toHaveLength(50);
  expect(rows.every((r) => r.node === 'parse' && r.error.startsWith('bad record'))).toBe(true);
  await page.screenshot({ path: `${SHOTS}/26-dead-letters.png` });
});
