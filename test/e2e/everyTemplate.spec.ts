import { expect, test, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SHOTS } from './editorHarness.js';

/**
 * The done-when: a newcomer serves the editor from an empty folder of their own, opens
 * every template of the gallery and presses Run. Each must run (no refusal, no failure) and show
 * live figures on its edges, and at 1280×800 and 1440×900 the text of nodes and labels is at
 * least 9 px on screen. A template that declares a server it needs (`requires` in
 * assets/examples/index.json) fails, naming it, when that server is not reachable.
 */

const PORT = Number(process.env.SLUICE_E2E_PORT ?? 4789) + 1;
const TOKEN = 'e2e-token';
const URL = `http://127.0.0.1:${PORT}/?token=${TOKEN}`;
const MIN_TEXT_PX = 9;
// A run, then a stop with its final checkpoint, on a machine shared with other suites.
test.describe.configure({ timeout: 120_000 });

interface TemplateEntry {
  id: string;
  name: string;
  requires?: Array<{ name: string; host?: string; port: number }>;
}
const TEMPLATES = JSON.parse(readFileSync('assets/examples/index.json', 'utf8')) as TemplateEntry[];

let host: ChildProcess | null = null;
let folder = '';
let dataDir = '';

function reachable(hostname: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port, timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

test.beforeAll(async () => {
  // The user's folder is empty and elsewhere; the app's data folder is its own, also empty.
  folder = mkdtempSync(path.join(os.tmpdir(), 'sluice-newcomer-'));
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'sluice-data-'));
  host = spawn(process.execPath, [path.resolve('dist/cli.js'), 'serve', '--port', String(PORT), '--token', TOKEN], {
    cwd: folder,
    env: { ...process.env, SLUICE_DATA_DIR: dataDir },
    stdio: 'ignore',
  });
  await expect.poll(async () => (await fetch(URL).catch(() => null))?.status ?? 0, { timeout: 30_000 }).toBe(200);
});

test.afterAll(() => {
  host?.kill('SIGTERM');
  for (const dir of [folder, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * The nodes the minimap covers, when the graph (on screen) fits in the canvas height above the
 * minimap: there a fit view leaves them clear of it. A taller graph may run under it.
 */
async function nodesUnderMinimap(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const map = document.querySelector('.react-flow__minimap')?.getBoundingClientRect();
    const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
    if (!map || !pane) return [];
    const nodes = Array.from(document.querySelectorAll<HTMLElement>('.react-flow__node')).map((el) => ({
      id: el.dataset.id ?? '?',
      r: el.getBoundingClientRect(),
    }));
    if (nodes.length === 0) return [];
    const top = Math.min(...nodes.map((n) => n.r.top));
    const bottom = Math.max(...nodes.map((n) => n.r.bottom));
    if (bottom - top + 48 > map.top - pane.top) return [];
    return nodes
      .filter((n) => n.r.right > map.left && n.r.left < map.right && n.r.bottom > map.top && n.r.top < map.bottom)
      .map((n) => n.id);
  });
}

/** The smallest text on screen, in CSS pixels: node text (font size × zoom) and the painted labels. */
async function smallestText(page: Page): Promise<{ node: number; painted: number }> {
  return page.evaluate(() => {
    const viewport = document.querySelector<HTMLElement>('.react-flow__viewport');
    const zoom = viewport ? new DOMMatrix(getComputedStyle(viewport).transform).a : 1;
    let node = Infinity;
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('.sl-node *'))) {
      const own = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim());
      if (!own || el.getClientRects().length === 0) continue;
      node = Math.min(node, parseFloat(getComputedStyle(el).fontSize) * zoom);
    }
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="live-layer"]');
    const painted = Number(canvas?.dataset.minText ?? 'NaN');
    return { node, painted };
  });
}

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1440, height: 900 },
]) {
  test.describe(`at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport });

    for (const template of TEMPLATES) {
      test(`template ${template.id} runs on first click from an empty folder, with readable live figures`, async ({
        page,
      }) => {
        for (const need of template.requires ?? []) {
          const ok = await reachable(need.host ?? '127.0.0.1', need.port);
          // The servers run on the development and CI machines: one that is down is a failure, named.
          expect(ok, `${template.name} needs ${need.name} on port ${need.port}, which is not reachable`).toBe(true);
        }
        page.on('dialog', (d) => void d.accept());
        await page.goto(URL);
        await expect(page.getByTestId('engine-link')).toHaveText('engine');
        await page.getByTestId('action-templates').click();
        await page.getByTestId(`template-${template.id}`).click();
        await expect(page.getByTestId('templates-dialog')).toHaveCount(0);
        await expect(page.getByTestId('doc-name')).toHaveText(template.name);
        await expect(page.getByTestId('action-run')).toBeEnabled({ timeout: 15_000 });

        // Node text readable where the fit view put the graph.
        const before = await smallestText(page);
        expect(before.node, 'node text on screen (px)').toBeGreaterThanOrEqual(MIN_TEXT_PX);

        await page.getByTestId('action-run').click();
        const chip = page.getByTestId('run-chip');
        await expect(chip).toBeVisible();
        // Live figures on the edges: some visible label has counted events.
        const flowing = expect
          .poll(
            async () => {
              const status = await chip.getAttribute('data-status').catch(() => null);
              if (status === 'failed' || (await chip.textContent()) === 'refused') return `failed: ${status}`;
              // A label flows while events cross it, and carries its exact total once the run is over.
              const live = await page
                .locator('[data-testid^="edge-label-"]')
                .evaluateAll((els) =>
                  els.some((el) => el.dataset.flowing === 'true' || Number(el.dataset.total ?? 0) > 0),
                );
              if (live) return 'flowing';
              // A template that reads a broker starts on an empty stream or queue here (nothing
              // has fed it): its live figures are its connections, every one connected.
              if (template.requires !== undefined) {
                const states = await page
                  .locator('[data-testid^="node-connection-"]')
                  .evaluateAll((els) => els.map((el) => el.dataset.state));
                if (states.length > 0 && states.every((s) => s === 'ok')) return 'flowing';
              }
              return 'waiting';
            },
            { timeout: 30_000, intervals: [250] },
          )
          .toBe('flowing');
        await flowing.catch(async (err: unknown) => {
          await page.screenshot({ path: `${SHOTS}/template-${template.id}-${viewport.width}-failed.png` });
          throw err;
        });
        await expect(page.getByTestId('run-bar')).not.toContainText('--state');
        await expect(page.getByTestId('run-status')).not.toContainText(/refused|failed/);

        const after = await smallestText(page);
        expect(after.node, 'node text on screen (px)').toBeGreaterThanOrEqual(MIN_TEXT_PX);
        expect(after.painted, 'painted label and counter text on screen (px)').toBeGreaterThanOrEqual(MIN_TEXT_PX);
        await page.screenshot({ path: `${SHOTS}/template-${template.id}-${viewport.width}.png` });
        // Live nodes (with their counters) not under the minimap, where the graph fits in the height above it.
        expect(await nodesUnderMinimap(page), 'nodes under the minimap').toEqual([]);

        const status = await chip.getAttribute('data-status');
        expect(status).not.toBe('failed');
        if (status === 'running' || status === 'starting' || status === 'recovering') {
          // The run may end by itself between reading its status and the click (Stop is then
          // disabled): either way it must end stopped or finished.
          const stop = page.getByTestId('action-stop');
          if (await stop.isEnabled()) await stop.click({ timeout: 5_000 }).catch(() => undefined);
          await expect(chip).toHaveAttribute('data-status', /stopped|finished/, { timeout: 60_000 });
        }
        await expect(chip).not.toHaveAttribute('data-status', 'failed');
      });
    }
  });
}
