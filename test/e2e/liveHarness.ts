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

/** A rectangle in page coordinates (CSS pixels), as Playwright's boundingBox gives it. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Whether the live layer's canvas has painted a pixel near `rgb` (within `tolerance` per channel)
 * inside `box` (page coordinates): the labels and counters are drawn there, not in the DOM.
 */
export async function paintedIn(page: Page, box: Box, rgb: [number, number, number], tolerance = 40): Promise<boolean> {
  return page.evaluate(
    ({ box, rgb, tolerance }) => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="live-layer"]');
      if (!canvas) return false;
      const c = canvas.getBoundingClientRect();
      const scale = canvas.width / c.width;
      const x = Math.max(0, Math.floor((box.x - c.left) * scale));
      const y = Math.max(0, Math.floor((box.y - c.top) * scale));
      const w = Math.max(1, Math.ceil(box.width * scale));
      const h = Math.max(1, Math.ceil(box.height * scale));
      const data = canvas.getContext('2d')!.getImageData(x, y, w, h).data;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! < 200) continue;
        if (
          Math.abs(data[i]! - rgb[0]) <= tolerance &&
          Math.abs(data[i + 1]! - rgb[1]) <= tolerance &&
          Math.abs(data[i + 2]! - rgb[2]) <= tolerance
        )
          return true;
      }
      return false;
    },
    { box, rgb, tolerance },
  );
}

/** `paintedIn` over the element with `testId` (a label's hover box, a node's badge area). */
export async function paintedOver(
  page: Page,
  testId: string,
  rgb: [number, number, number],
  tolerance = 40,
): Promise<boolean> {
  const box = await page.getByTestId(testId).boundingBox();
  return box !== null && paintedIn(page, box, rgb, tolerance);
}
