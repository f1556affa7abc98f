import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './test/e2e/chromium.js';

// SLUICE_E2E_PORT lets two checkouts run their e2e suites side by side.
const PORT = Number(process.env.SLUICE_E2E_PORT ?? 4789);
const TOKEN = 'e2e-token';

// The real web host (`sluice serve`) serving the freshly built editor; the repo is its folder.
const host = `node dist/cli.js serve --port ${PORT} --token ${TOKEN}`;

/**
 * End-to-end tests: the built editor in Debian's chromium (or Playwright's own browser on a
 * machine that has it, via SLUICE_CHROMIUM) against the real web host.
 */
export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/artifacts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: process.env.SLUICE_E2E_JSON
    ? [['list'], ['json', { outputFile: process.env.SLUICE_E2E_JSON }]]
    : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/?token=${TOKEN}`,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `node scripts/build.mjs engine renderer && ${host}`,
    url: `http://127.0.0.1:${PORT}/?token=${TOKEN}`,
    timeout: 120_000,
    reuseExistingServer: !process.env.CI,
    // Unsaved graphs' state stores and template copies: per checkout and port, not the user's.
    env: { SLUICE_DATA_DIR: `test-results/e2e-data-${PORT}` },
    // The host prints sink.console lines of the graphs the tests run: too many for a CI log.
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
