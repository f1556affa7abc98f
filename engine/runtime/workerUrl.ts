/**
 * Where the worker entry is. Bundled (dist/), the worker is dist/worker.js beside the bundle
 * that starts it; from TypeScript source (tests, tsx), workerBoot.mjs registers tsx inside the
 * thread first. SLUICE_WORKER overrides both (the Electron engine process sets it).
 */
export function workerUrl(): URL {
  const override = process.env['SLUICE_WORKER'];
  if (override) return new URL(`file://${override}`);
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('./workerBoot.mjs', here) : new URL('./worker.js', here);
}
