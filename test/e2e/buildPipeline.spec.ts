import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import {
  connect,
  dragHandle,
  dropNode,
  focusCanvas,
  openEditor,
  selectNode,
  SHOTS,
  typeCode,
} from './editorHarness.js';

const SAVED = 'test-results/e2e-pipeline.sluice.json';

test('a person builds the standard pipeline from an empty canvas, checks it, saves it and opens it again', async ({
  page,
}) => {
  rmSync(SAVED, { force: true });
  await openEditor(page);
  await expect(page.getByTestId('problem-count')).not.toContainText('error');
  await page.screenshot({ path: `${SHOTS}/01-empty-editor.png` });

  // Drag three nodes from the palette.
  await dropNode(page, 'source.generator', 160, 220);
  await dropNode(page, 'map', 460, 220);
  await dropNode(page, 'sink.file', 760, 220);
  await expect(page.locator('.sl-node')).toHaveCount(3);
  await expect(page.getByTestId('node-generator')).toBeVisible();
  await expect(page.getByTestId('node-map')).toBeVisible();
  await expect(page.getByTestId('node-file')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/01b-dropped.png` });

  // Unconfigured and unconnected: problems on the nodes, Run disabled with the reason.
  await expect(page.getByTestId('node-problem-map')).toBeVisible();
  await expect(page.getByTestId('action-run')).toBeDisabled();
  await expect(page.getByTestId('run-status')).toContainText('to run');

  // Configure in the inspector.
  await selectNode(page, 'generator');
  await page.getByTestId('field-count-input').fill('1000');
  await selectNode(page, 'map');
  await typeCode(page, 'expression', '({ seq: value.seq, double: value.seq * 2 })');
  await selectNode(page, 'file');
  await page.getByTestId('field-path-input').fill('out/e2e-pipeline.jsonl');
  await page.screenshot({ path: `${SHOTS}/02-configured-unconnected.png` });

  // A refused connection says why.
  await dragHandle(page, 'handle-map-in-in', 'handle-file-in-in');
  await expect(page.getByTestId('notice')).toContainText('input to an input');

  // Wire it.
  await connect(page, 'generator', 'out', 'map', 'in');
  await connect(page, 'map', 'out', 'file', 'in');
  await expect(page.locator('.react-flow__edge')).toHaveCount(2);
  await expect(page.getByTestId('problem-count')).not.toContainText('error');
  await expect(page.getByTestId('node-problem-map')).toHaveCount(0);
  await expect(page.getByTestId('action-run')).toBeEnabled();

  // A broken expression shows a problem on the node, in the list and in place in the editor.
  await selectNode(page, 'map');
  await typeCode(page, 'expression', 'value.seq *');
  await expect(page.getByTestId('node-problem-map')).toBeVisible();
  await expect(page.getByTestId('problem-item').first()).toContainText('map');
  await expect(page.locator('.code-field .cm-lintRange-error')).toHaveCount(1);
  await expect(page.getByTestId('action-run')).toBeDisabled();
  await page.screenshot({ path: `${SHOTS}/03-expression-problem.png` });

  // Undo clears it, redo brings it back, undo again.
  await focusCanvas(page);
  await page.keyboard.press('ControlOrMeta+Z');
  await expect(page.getByTestId('node-problem-map')).toHaveCount(0);
  await page.keyboard.press('ControlOrMeta+Shift+Z');
  await expect(page.getByTestId('node-problem-map')).toBeVisible();
  await page.keyboard.press('ControlOrMeta+Z');
  await expect(page.getByTestId('node-problem-map')).toHaveCount(0);
  await expect(page.getByTestId('problem-count')).not.toContainText('error');

  // Name the graph (nothing selected: the inspector shows the graph), then save it in the served folder.
  await page.keyboard.press('Escape');
  await page.getByTestId('graph-name').fill('E2E pipeline');
  await expect(page.getByTestId('dirty-marker')).toBeVisible();
  await page.getByTestId('action-saveAs').click();
  await page.getByTestId('save-name').fill(SAVED);
  await page.getByTestId('save-confirm').click();
  await expect(page.getByTestId('save-dialog')).toHaveCount(0);
  await expect(page.getByTestId('dirty-marker')).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/04-saved-pipeline.png` });

  // The file is the SPEC §2 format and the CLI finds it valid.
  const saved = JSON.parse(readFileSync(SAVED, 'utf8'));
  expect(saved.format).toBe('sluice/graph');
  expect(saved.nodes.map((n: { id: string }) => n.id)).toEqual(['generator', 'map', 'file']);
  const cli = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'engine/cli/main.ts', 'validate', SAVED], {
    encoding: 'utf8',
  });
  expect(cli.stderr + cli.stdout).not.toMatch(/error/i);
  expect(cli.status).toBe(0);

  // Reload: open it from the recent files and see it again.
  await page.reload();
  await expect(page.locator('.sl-node')).toHaveCount(0);
  await page.getByTestId('action-open').click();
  await page.getByTestId('recent-file').first().click();
  await expect(page.getByTestId('doc-name')).toHaveText('E2E pipeline');
  await expect(page.locator('.sl-node')).toHaveCount(3);
  await expect(page.locator('.react-flow__edge')).toHaveCount(2);
  await expect(page.getByTestId('dirty-marker')).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/05-reopened-pipeline.png` });
});
