// A real desktop window where Electron cannot run (issue 6 item 8): the editor in chromium's
// app mode (a window without browser chrome, like the Electron window) on an Xvfb display, not
// headless. A screenshot of the whole X screen is taken with ImageMagick's `import`.
import { expect, test } from '@playwright/test';
import { chromium } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';

// Offset by SLUICE_E2E_PORT so two checkouts can run this test side by side.
const OFFSET = Number(process.env.SLUICE_E2E_PORT ?? 4789) - 4789;
const DISPLAY = `:${99 + OFFSET}`;
const WIDTH = 1280;
const HEIGHT = 800;
const haveXvfb = existsSync('/usr/bin/Xvfb');
const haveImport = existsSync('/usr/bin/import');
const CDP_PORT = 9339 + OFFSET;

async function connectWhenReady(url: string): Promise<Browser> {
  for (let i = 0; ; i++) {
    try {
      const b = await chromium.connectOverCDP(url);
      // Wait for the app window's page to load.
      for (
        let j = 0;
        j < 50 &&
        !b
          .contexts()[0]
          ?.pages()
          .some((p) => p.url().startsWith('http'));
        j++
      )
        await new Promise((r) => setTimeout(r, 100));
      return b;
    } catch (err) {
      if (i > 50) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

test.describe('the desktop window', () => {
  // npm test installs both with apt as root: one missing is a failure with its reason, not a skip.
  test.beforeAll(() => {
    if (!haveXvfb || !haveImport)
      throw new Error('needs Xvfb and ImageMagick (npm test installs them with apt as root)');
  });

  let xvfb: ChildProcess | null = null;
  test.beforeAll(async () => {
    xvfb = spawn('/usr/bin/Xvfb', [DISPLAY, '-screen', '0', `${WIDTH}x${HEIGHT}x24`, '-nolisten', 'tcp'], {
      stdio: 'ignore',
    });
    await new Promise((r) => setTimeout(r, 800));
  });
  test.afterAll(() => {
    xvfb?.kill();
  });

  test('shows the editor filling a 1280×800 window with no scrollbars and shortcuts in the tooltips', async ({
    baseURL,
  }) => {
    // Chromium itself, as a desktop app would start it; Playwright attaches over CDP on loopback.
    const profile = mkdtempSync(join(tmpdir(), 'sluice-window-'));
    const app = spawn(
      CHROMIUM_PATH,
      [
        `--app=${baseURL}`,
        '--test-type',
        '--no-sandbox',
        `--user-data-dir=${profile}`,
        `--remote-debugging-port=${CDP_PORT}`,
        '--remote-debugging-address=127.0.0.1',
        `--window-size=${WIDTH},${HEIGHT}`,
        '--window-position=0,0',
        ...CHROMIUM_ARGS,
      ],
      { env: { ...process.env, DISPLAY }, stdio: 'ignore' },
    );
    const browser = await connectWhenReady(`http://127.0.0.1:${CDP_PORT}`);
    try {
      const context = browser.contexts()[0]!;
      const page = context.pages().find((p) => p.url().startsWith('http'))!;
      expect(page, 'the app window shows the editor').toBeTruthy();
      await expect(page.getByTestId('engine-link')).toBeVisible();
      await expect(page.getByText('Nodes', { exact: true })).toBeVisible();

      const layout = await page.evaluate(() => ({
        innerWidth: window.innerWidth,
        innerHeight: window.innerHeight,
        scrollWidth: document.documentElement.scrollWidth,
        scrollHeight: document.documentElement.scrollHeight,
      }));
      expect(layout.innerWidth).toBeGreaterThan(WIDTH * 0.9);
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
      expect(layout.scrollHeight).toBeLessThanOrEqual(layout.innerHeight);
      // Every toolbar tool is visible: none clipped at the window's width.
      const tools = await page.locator('.tools').evaluate((el) => [el.scrollWidth, el.clientWidth]);
      expect(tools[0]).toBeLessThanOrEqual(tools[1]!);

      // Every toolbar action with a shortcut names it in its tooltip.
      const titles = await page
        .locator('[data-testid^="action-"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
      expect(titles.length).toBeGreaterThan(3);
      expect(titles.some((t) => /\((Ctrl|⌘|Cmd)\+S\)/.test(t))).toBe(true);

      mkdirSync('test-results/screenshots', { recursive: true });
      const shot = 'test-results/screenshots/desktop-window-xvfb.png';
      const r = spawnSync('/usr/bin/import', ['-display', DISPLAY, '-window', 'root', shot]);
      expect(r.status).toBe(0);
      expect(statSync(shot).size).toBeGreaterThan(20_000);
      const size = spawnSync('/usr/bin/identify', ['-format', '%w %h', shot]).stdout.toString();
      expect(size).toBe(`${WIDTH} ${HEIGHT}`);
    } finally {
      await browser.close();
      app.kill();
    }
  });
});
