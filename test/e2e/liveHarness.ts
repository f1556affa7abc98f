import { expect, type Page } from '@playwright/test';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/** Where the live-run specs save their graphs (inside the served folder: the repo). */
export const LIVE_DIR = 'test-results/e2e-live';

/** A fresh folder for one spec's graph, its output and its state store. */
export function freshDir(name: string): string {
  const dir = path.join(LIVE_DIR, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Save the open document as `file` (relative to the served folder) through the Save as dialog. */
export async function saveAs(page: Page, file: string): Promise<void> {
  await page.getByTestId('action-saveAs').click();
  await page.getByTestId('save-name').fill(file);
  await page.getByTestId('save-confirm').click();
  await expect(page.getByTestId('save-dialog')).toHaveCount(0);
}

/** Import a graph given as an object, as if the user picked the file. */
export async function importGraph(page: Page, graph: unknown, name = 'graph.sluice.json'): Promise<void> {
  await page
    .getByTestId('import-input')
    .setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(graph)) });
}

/** Run from scratch (ignoring any saved state), accepting the trust question if it comes. */
export async function runFresh(page: Page): Promise<void> {
  await expect(page.getByTestId('action-run')).toBeEnabled();
  await page.getByTestId('run-menu').click();
  await page.getByTestId('menu-runFresh').click();
  const trust = page.getByTestId('trust-accept');
  await expect(trust.or(page.getByTestId('run-chip'))).toBeVisible();
  if (await trust.isVisible()) await trust.click();
}

/** The exact totals the edges' labels carry (data-total), by edge id. */
export async function edgeTotals(page: Page): Promise<Record<string, number>> {
  return page
    .locator('[data-testid^="edge-label-"]')
    .evaluateAll((els) =>
      Object.fromEntries(
        els.map((el) => [
          el.getAttribute('data-testid')!.slice('edge-label-'.length),
          Number(el.getAttribute('data-total')),
        ]),
      ),
    );
}
