import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Where the worker entry is.
 * 1. SLUICE_WORKER, if set (a packaged app may put it anywhere).
 * 2. From TypeScript source (tests, tsx): workerBoot.mjs, which registers tsx inside the thread.
 * 3. Bundled: worker.js beside the bundle that starts it (dist/cli.js), or one folder up
 *    (dist/main/engineProcess.cjs, the Electron engine process).
 */
export function workerUrl(): URL {
  const override = process.env['SLUICE_WORKER'];
  if (override) return pathToFileURL(override);
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('./workerBoot.mjs', here);
  const beside = new URL('./worker.js', here);
  return existsSync(fileURLToPath(beside)) ? beside : new URL('../worker.js', here);
}
