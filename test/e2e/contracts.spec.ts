import { expect, test } from '@playwright/test';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connect, focusCanvas, openEditor, selectNode, SHOTS } from './editorHarness.js';
import { freshDir, importGraph, runFresh, saveAs } from './liveHarness.js';

// Issue 16's done-when, in the built editor against the real web host: the contracts of a saved
// graph's schemas/ folder are checked as the user draws (an edge between different contracts, an
// expression reading a field its contract lacks) and as events flow (a failing event in the dead
// letters panel with its field path).

const ORDERS = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: { seq: { type: 'integer' }, quantity: { type: 'integer' }, amount: { type: 'number' } },
  required: ['seq', 'quantity', 'amount'],
  additionalProperties: false,
};
const TOTALS = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: { customer: { type: 'string' }, total: { type: 'number' } },
  required: ['customer', 'total'],
};

const node = (id: string, type: string, x: number, y: number, config: Record<string, unknown>) => ({
  id,
  type,
  position: { x, y },
  config,
});

test('contracts as you draw and as events flow: a mismatched edge, a missing field, a failing event', async ({
  page,
}) => {
  const dir = freshDir('contracts');
  mkdirSync(path.join(dir, 'schemas'), { recursive: true });
  writeFileSync(path.join(dir, 'schemas', 'orders@1.schema.json'), JSON.stringify(ORDERS, null, 2));
  writeFileSync(path.join(dir, 'schemas', 'totals@1.schema.json'), JSON.stringify(TOTALS, null, 2));
  const events = [1, 2, 3, 4, 5].map((seq) => ({ seq, quantity: seq, amount: seq === 3 ? '37.5' : seq * 12.5 }));
  writeFileSync(path.join(dir, 'orders.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');

  await openEditor(page);
  await importGraph(page, {
    format: 'sluice/graph',
    version: 1,
    name: 'Contracts',
    nodes: [
      node('orders', 'source.file', 0, 0, { path: 'orders.jsonl', contract: 'orders@1' }),
      node('price', 'map', 250, 0, { expression: '({ ...value, total: value.amont * 2 })' }),
      node('log', 'sink.file', 500, 0, { path: 'out/orders.jsonl', contract: 'orders@1' }),
      node('report', 'sink.file', 500, 200, { path: 'out/report.jsonl', contract: 'totals@1' }),
    ],
    edges: [
      { id: 'e1', from: { node: 'orders', port: 'out' }, to: { node: 'price', port: 'in' } },
      { id: 'e2', from: { node: 'price', port: 'out' }, to: { node: 'log', port: 'in' } },
    ],
  });
  // Saved, so the engine reads the schemas/ folder beside it.
  await saveAs(page, `${dir}/contracts.sluice.json`);

  // The edge shows the contract its producer emits; hovering it shows the schema.
  await expect(page.getByTestId('edge-contract-e1')).toHaveText('orders@1');
  await expect(page.getByTestId('edge-contract-e1')).toHaveAttribute('title', /"amount"/);

  // An expression reading a field the contract lacks: a warning naming the field and the contract.
  await expect(page.getByTestId('node-problem-price')).toBeVisible();
  const problems = page.getByTestId('problem-item');
  await expect(problems.filter({ hasText: 'amont' })).toContainText('orders@1');
  await expect(problems.filter({ hasText: 'amont' })).toContainText('amount');

  // Wiring the orders source into the totals sink: the new edge shows the problem.
  await connect(page, 'orders', 'out', 'report', 'in');
  const bad = page.locator('.react-flow__edge.edge-problem');
  await expect(bad).toHaveCount(1);
  await expect(problems.filter({ hasText: 'totals@1' })).toContainText('orders@1');
  await page.screenshot({ path: `${SHOTS}/40-contracts-mismatch.png` });

  // The inspector names the new edge's contract; one the schemas/ folder lacks is an error too.
  await page.getByTestId('edge-contract').fill('orders@9');
  await expect(problems.filter({ hasText: 'orders@9' })).toContainText('orders@1');

  // Undo both, and remove the totals sink (it has no input); the run then checks each event
  // against orders@1 as it leaves the source.
  await focusCanvas(page);
  await page.keyboard.press('ControlOrMeta+Z');
  await expect(problems.filter({ hasText: 'orders@9' })).toHaveCount(0);
  await page.keyboard.press('ControlOrMeta+Z');
  await expect(bad).toHaveCount(0);
  await selectNode(page, 'report');
  await focusCanvas(page);
  await page.getByTestId('node-report').locator('.sl-node-title').click();
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('node-report')).toHaveCount(0);
  await runFresh(page);
  await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', 'finished', { timeout: 30_000 });
  await page.getByTestId('dock-tab-deadLetters').click();
  // The source refuses the event whose amount is text; the log sink refuses what `price` made of
  // the other four (orders@1 has no field total).
  const letters = page.getByTestId('dead-letter');
  await expect(letters).toHaveCount(5);
  const fromSource = letters.filter({ hasText: 'at /amount' });
  await expect(fromSource).toHaveCount(1);
  await expect(fromSource).toContainText('orders@1: field amount must be a number, not "37.5" (at /amount)');
  await expect(letters.filter({ hasText: 'orders@1: field total is not allowed' })).toHaveCount(4);
  await page.screenshot({ path: `${SHOTS}/41-contracts-dead-letter.png` });
  mkdirSync('docs/screenshots', { recursive: true });
  copyFileSync(`${SHOTS}/41-contracts-dead-letter.png`, 'docs/screenshots/contracts-dead-letter.png');
});

test('Save as contract on a tapped edge drafts a schema from the sample and puts it on the edge', async ({ page }) => {
  const dir = freshDir('save-contract');
  await openEditor(page);
  await importGraph(page, {
    format: 'sluice/graph',
    version: 1,
    name: 'Tapped',
    nodes: [
      node('readings', 'source.generator', 0, 0, {
        ratePerSec: 40,
        valueExpression: "({ sensor: 's' + (i % 3), celsius: 20.25 + (i % 7) / 2 })",
      }),
      node('show', 'sink.console', 250, 0, {}),
    ],
    edges: [{ id: 'e1', from: { node: 'readings', port: 'out' }, to: { node: 'show', port: 'in' } }],
  });
  await saveAs(page, `${dir}/tapped.sluice.json`);
  await runFresh(page);
  await page.getByTestId('edge-label-e1').hover();
  await page.getByTestId('edge-tap').click();
  await expect(page.getByTestId('tap-event').first()).toBeVisible({ timeout: 10_000 });
  await expect(page.getByTestId('tap-contract-name')).toHaveValue('readings');
  await page.getByTestId('tap-save-contract').click();
  await expect(page.getByTestId('edge-contract-e1')).toHaveText('readings@1');
  await expect(page.getByTestId('edge-contract-e1')).toHaveAttribute('title', /"celsius"/);
  await page.screenshot({ path: `${SHOTS}/42-save-as-contract.png` });
  const draft = JSON.parse(readFileSync(path.join(dir, 'schemas', 'readings@1.schema.json'), 'utf8')) as {
    properties: Record<string, { type: string }>;
    required: string[];
  };
  expect(draft.properties.sensor?.type).toBe('string');
  expect(draft.properties.celsius?.type).toBe('number');
  expect(draft.required.sort()).toEqual(['celsius', 'sensor']);
  await page.getByTestId('action-stop').click();
});

test('a sink whose file holds events of an incompatible older version shows the problem on the sink', async ({
  page,
}) => {
  const dir = freshDir('written-contracts');
  mkdirSync(path.join(dir, 'schemas'), { recursive: true });
  const v1 = { ...ORDERS, additionalProperties: true };
  // BACKWARD (the default) and a new required field: a consumer on v2 cannot read v1 events.
  const v2 = {
    ...v1,
    properties: { ...v1.properties, currency: { type: 'string' } },
    required: [...v1.required, 'currency'],
  };
  writeFileSync(path.join(dir, 'schemas', 'orders@1.schema.json'), JSON.stringify(v1, null, 2));
  writeFileSync(path.join(dir, 'schemas', 'orders@2.schema.json'), JSON.stringify(v2, null, 2));
  const events = [1, 2, 3].map((seq) => ({ seq, quantity: seq, amount: seq * 12.5 }));
  writeFileSync(path.join(dir, 'orders.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const graph = (contract: string) => ({
    format: 'sluice/graph',
    version: 1,
    name: 'Written',
    nodes: [
      node('orders', 'source.file', 0, 0, { path: 'orders.jsonl' }),
      node('log', 'sink.file', 250, 0, { path: 'out/orders.jsonl', contract }),
    ],
    edges: [{ id: 'e1', from: { node: 'orders', port: 'out' }, to: { node: 'log', port: 'in' } }],
  });

  // A run on orders@1 writes the file (and records which contract wrote it).
  await openEditor(page);
  await importGraph(page, graph('orders@1'));
  await saveAs(page, `${dir}/written.sluice.json`);
  await runFresh(page);
  await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', 'finished', { timeout: 30_000 });

  // The same sink on orders@2, saved beside it (the same out/orders.jsonl): the problem is on the
  // sink, naming both versions and the change, and Run waits for it.
  await importGraph(page, graph('orders@2'));
  await saveAs(page, `${dir}/written-v2.sluice.json`);
  const problem = page.getByTestId('problem-item').filter({ hasText: 'holds orders@1 events' });
  await expect(problem).toContainText('orders@2 is not BACKWARD compatible with orders@1', { timeout: 15_000 });
  await expect(problem).toContainText('currency');
  await expect(problem.locator('.where')).toHaveText('log');
  await expect(page.getByTestId('node-problem-log')).toHaveClass(/error/);
  await expect(page.getByTestId('action-run')).toBeDisabled();

  // Emptying the target (here: removing the file) clears it: the editor reads the target again.
  rmSync(path.join(dir, 'out', 'orders.jsonl'));
  await expect(problem).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByTestId('action-run')).toBeEnabled();
});
