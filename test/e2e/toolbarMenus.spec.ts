import { expect, test, type Locator, type Page } from '@playwright/test';
import { openEditor, SHOTS } from './editorHarness.js';
import { freshDir, importGraph, saveAs } from './liveHarness.js';

/** Whether the pointer at the centre of `item` reaches it (it is not clipped or covered). */
async function reachable(page: Page, item: Locator): Promise<boolean> {
  const box = await item.boundingBox();
  if (!box) return false;
  return page.evaluate(
    ({ x, y, id }) => {
      const hit = document.elementFromPoint(x, y);
      return hit !== null && hit.closest(`[data-testid="${id}"]`) !== null;
    },
    { x: box.x + box.width / 2, y: box.y + box.height / 2, id: (await item.getAttribute('data-testid'))! },
  );
}

/** Click `item` with the mouse at its centre, as a person does (no forced or synthetic click). */
async function mouseClick(page: Page, item: Locator): Promise<void> {
  const box = (await item.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

const slow = {
  format: 'sluice/graph',
  version: 1,
  name: 'Menu demo',
  nodes: [
    { id: 'gen', type: 'source.generator', position: { x: 0, y: 0 }, config: { count: 1_000_000, ratePerSec: 500 } },
    { id: 'out', type: 'sink.discard', position: { x: 300, y: 0 }, config: {} },
  ],
  edges: [{ id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'out', port: 'in' } }],
};

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1440, height: 900 },
]) {
  test(`at ${viewport.width}×${viewport.height} the Run ▾ and Debug menus open, show and take mouse clicks: run from scratch, crash and recover`, async ({
    page,
  }) => {
    await page.setViewportSize(viewport);
    await openEditor(page);
    await importGraph(page, slow, 'menu.sluice.json');
    await expect(page.getByTestId('doc-name')).toHaveText('Menu demo');
    await saveAs(page, `${freshDir(`menus-${viewport.width}-a-folder-with-a-long-name`)}/menu-demo.sluice.json`);
    await expect(page.getByTestId('action-run')).toBeEnabled();

    await mouseClick(page, page.getByTestId('run-menu'));
    const fresh = page.getByTestId('menu-runFresh');
    await expect(fresh).toBeVisible();
    expect(await reachable(page, fresh), 'Run from scratch is under the pointer').toBe(true);
    await page.screenshot({ path: `${SHOTS}/menu-run-${viewport.width}.png` });
    await mouseClick(page, fresh);
    const trust = page.getByTestId('trust-accept');
    await expect(trust.or(page.getByTestId('run-chip'))).toBeVisible();
    if (await trust.isVisible()) await trust.click();
    await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', 'running', { timeout: 15_000 });
    // Every toolbar tool is whole and under the pointer while a run shows its status, with a
    // saved document's folder beside its name.
    const tools = page.locator('.tools [data-testid^="action-"]');
    expect(await tools.count()).toBeGreaterThan(8);
    for (const tool of await tools.all()) {
      const id = await tool.getAttribute('data-testid');
      expect(await reachable(page, tool), `${id} is not cut or covered`).toBe(true);
      expect(await tool.evaluate((el) => el.scrollWidth <= el.clientWidth), `${id} shows its whole label`).toBe(true);
    }
    expect(await page.locator('.tools').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);

    await mouseClick(page, page.getByTestId('debug-menu'));
    const crash = page.getByTestId('menu-crashRun');
    await expect(crash).toBeVisible();
    expect(await reachable(page, crash), 'Crash and recover is under the pointer').toBe(true);
    await expect(page.getByTestId('debug-menu-list').getByTestId('menu-runFresh')).toBeAttached();
    await mouseClick(page, crash);
    await expect(page.getByTestId('notice')).toContainText('Killing the runtime hard');
    await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', /recovering|running/);

    // Escape closes a menu; so does a click elsewhere.
    await mouseClick(page, page.getByTestId('run-menu'));
    await expect(page.getByTestId('run-menu-list')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('run-menu-list')).toHaveCount(0);

    await page.getByTestId('action-stop').click();
    await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', 'stopped', { timeout: 30_000 });
  });
}
