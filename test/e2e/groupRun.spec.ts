import { expect, test, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openEditor, SHOTS } from './editorHarness.js';
import { freshDir, importGraph, saveAs } from './liveHarness.js';

const NATS = 'nats://127.0.0.1:4222';
const PARTITIONS = 6;

/** A keyed count over a slow generator into sink.discard, split into 6 partitions: it runs until stopped. */
function keyedCounts(settings: Record<string, unknown> = { partitions: PARTITIONS }) {
  return {
    format: 'sluice/graph',
    version: 1,
    name: 'Keyed counts',
    settings: { checkpointIntervalMs: 500, ...settings },
    nodes: [
      {
        id: 'gen',
        type: 'source.generator',
        position: { x: 0, y: 0 },
        config: { count: 1_000_000, keys: 24, ratePerSec: 100 },
      },
      { id: 'agg', type: 'aggregate', position: { x: 260, y: 0 }, config: { op: 'count' } },
      { id: 'out', type: 'sink.discard', position: { x: 520, y: 0 }, config: {} },
    ],
    edges: [
      { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'agg', port: 'in' } },
      { id: 'e2', from: { node: 'agg', port: 'out' }, to: { node: 'out', port: 'in' } },
    ],
  };
}

const children: ChildProcess[] = [];
test.afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Owner of each partition cell the Group panel shows ('' for none), by partition. */
async function cellOwners(page: Page): Promise<string[]> {
  return page.getByTestId('partition-cell').evaluateAll((els) => els.map((el) => el.getAttribute('data-owner') ?? ''));
}

async function openGroupDialog(page: Page): Promise<void> {
  await page.getByTestId('run-menu').click();
  await page.getByTestId('menu-runGroup').click();
  const trust = page.getByTestId('trust-accept');
  await expect(trust.or(page.getByTestId('group-run-dialog'))).toBeVisible();
  if (await trust.isVisible()) await trust.click();
  await expect(page.getByTestId('group-run-dialog')).toBeVisible();
}

test('a graph runs as a group member from the Run menu; a CLI member joins and the partitions split between them', async ({
  page,
}) => {
  test.setTimeout(150_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  const dir = freshDir('group');
  const file = `${dir}/keyed.sluice.json`;
  const group = `e2e-${randomBytes(4).toString('hex')}`;
  await openEditor(page);
  await importGraph(page, keyedCounts(), 'keyed.sluice.json');
  await expect(page.getByTestId('doc-name')).toHaveText('Keyed counts');
  await saveAs(page, file);

  // Run ▾ → Run as group member…: the dialog shows the partitions setting.
  await openGroupDialog(page);
  await expect(page.getByTestId('group-partitions')).toContainText(`${PARTITIONS}`);
  await page.getByTestId('group-name').fill(group);
  await page.getByTestId('group-nats').fill(NATS);
  await page.screenshot({ path: `${SHOTS}/90-group-dialog-1280.png` });
  await page.getByTestId('group-start').click();
  await expect(page.getByTestId('group-run-dialog')).toHaveCount(0);

  // Alone in the group: this editor owns every partition.
  const panel = page.getByTestId('group-panel');
  await expect(panel).toBeVisible();
  await expect(page.getByTestId('group-panel-name')).toHaveText(group);
  const me = page.locator('[data-testid="group-member"][data-me="true"]');
  await expect(me).toHaveCount(1, { timeout: 20_000 });
  const myId = (await me.getAttribute('data-member'))!;
  await expect(page.getByTestId('partition-cell')).toHaveCount(PARTITIONS);
  await expect.poll(() => cellOwners(page), { timeout: 30_000 }).toEqual(Array(PARTITIONS).fill(myId));
  // The canvas shows the partitions it runs as one run: events flow on the edges.
  await expect(page.getByTestId('edge-label-e1')).toHaveAttribute('data-flowing', 'true', { timeout: 30_000 });
  await expect(page.getByTestId('run-group')).toContainText(group);

  // A second member from the command line, on the same group: the grid splits between the two.
  const cli = spawn(process.execPath, ['dist/cli.js', 'run', file, '--group', group, '--url', NATS], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(cli);
  let cliErr = '';
  cli.stderr!.setEncoding('utf8').on('data', (d: string) => (cliErr += d));
  const cliExited = new Promise<number | null>((r) => cli.once('exit', (code) => r(code)));
  await expect(page.getByTestId('group-member')).toHaveCount(2, { timeout: 30_000 });
  await expect
    .poll(
      async () => {
        const owners = await cellOwners(page);
        const mine = owners.filter((o) => o === myId).length;
        const theirs = owners.filter((o) => o !== '' && o !== myId).length;
        return `${mine}/${theirs}`;
      },
      { timeout: 60_000, message: `the CLI member said: ${cliErr}` },
    )
    .toBe(`${PARTITIONS / 2}/${PARTITIONS / 2}`);
  // The canvas sums only this member's partitions, and the run status says which.
  const held = page.getByTestId('run-group-partitions');
  await expect
    .poll(async () => {
      const mine = (await cellOwners(page)).flatMap((o, i) => (o === myId ? [i] : []));
      const text = await held.innerText();
      return (await held.getAttribute('data-held')) === mine.join(',') && / of 6 on this member$/.test(text)
        ? 'says which'
        : `${text} (grid: ${mine.join(',')})`;
    })
    .toBe('says which');
  const other = page.locator('[data-testid="group-member"]:not([data-me])');
  await expect(other).toContainText('3 partitions');
  await expect(me).toContainText('this editor');
  await expect(page.getByTestId('group-summary')).toContainText('2 members');
  // The tooltip of a cell names its owner, epoch and lag.
  const cell = page.locator(`[data-testid="partition-cell"][data-owner="${myId}"]`).first();
  await expect(cell).toHaveAttribute('title', new RegExp(`owner: ${myId} \\(this editor\\)\\nepoch \\d+\\nlag`));
  await cell.hover();
  await page.screenshot({ path: `${SHOTS}/91-group-panel-1280.png` });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: `${SHOTS}/92-group-panel-1440.png` });

  // Stop: this editor leaves, and the CLI member takes every partition over.
  await page.getByTestId('action-stop').click();
  await expect.poll(() => cellOwners(page), { timeout: 30_000 }).not.toContain(myId);
  await expect(page.getByTestId('action-run')).toBeEnabled({ timeout: 20_000 });
  await expect
    .poll(async () => (await cellOwners(page)).filter((o) => o !== '').length, { timeout: 30_000 })
    .toBe(PARTITIONS);
  cli.kill('SIGTERM');
  expect(await cliExited).toBe(0);
});

test('the group dialog says what is missing: the partitions setting, and a NATS that does not answer', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const dir = freshDir('group-refusals');
  await openEditor(page);
  await importGraph(page, keyedCounts({}), 'unsplit.sluice.json');
  await expect(page.getByTestId('doc-name')).toHaveText('Keyed counts');
  await saveAs(page, `${dir}/unsplit.sluice.json`);
  await openGroupDialog(page);
  await expect(page.getByTestId('group-no-partitions')).toContainText('no settings.partitions');
  await expect(page.getByTestId('group-start')).toBeDisabled();
  await page.screenshot({ path: `${SHOTS}/93-group-dialog-no-partitions.png` });
  // Set them from the dialog (an undoable edit of the graph's settings).
  await page.getByTestId('group-partitions-input').fill('4');
  await page.getByTestId('group-set-partitions').click();
  await expect(page.getByTestId('group-partitions')).toContainText('4');
  await expect(page.getByTestId('dirty-marker')).toBeVisible();
  // The same setting as the inspector's graph field.
  await expect(page.getByTestId('graph-partitions')).toHaveValue('4');

  // A NATS nobody listens on: the dialog stays open with the engine's sentence.
  await page.getByTestId('group-name').fill(`e2e-down-${randomBytes(3).toString('hex')}`);
  await page.getByTestId('group-nats').fill('nats://127.0.0.1:1');
  await page.getByTestId('group-start').click();
  await expect(page.getByTestId('group-error')).toContainText('Cannot reach NATS at nats://127.0.0.1:1', {
    timeout: 20_000,
  });
  await expect(page.getByTestId('group-run-dialog')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/94-group-dialog-nats-down.png` });
});
