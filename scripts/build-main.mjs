// Bundles main/ into dist/main: the main process, the preload and the engine's utility-process
// entry, each one CommonJS file (Electron loads CommonJS mains and sandboxed preloads).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The three entries and their outputs under dist/main. */
export const MAIN_ENTRIES = {
  main: 'main/main.ts',
  preload: 'main/preload.ts',
  engineProcess: 'main/engineProcess.ts',
};

/**
 * Build dist/main/{main,preload,engineProcess}.cjs. `electron` is provided by the runtime and
 * better-sqlite3 is a native module that must stay a real package (rebuilt for Electron by
 * electron-builder), so both stay external.
 * @param {{ minify?: boolean, sourcemap?: boolean, outdir?: string }} [options] `outdir` is relative to the repo root.
 */
export async function buildMain({ minify = false, sourcemap = true, outdir = 'dist/main' } = {}) {
  await build({
    absWorkingDir: root,
    entryPoints: MAIN_ENTRIES,
    outdir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['electron', 'better-sqlite3'],
    sourcemap,
    minify,
    logLevel: 'warning',
    legalComments: 'none',
    // Engine code is ESM and may locate files with import.meta.url; give it this bundle's URL.
    banner: { js: "const __sluice_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__sluice_import_meta_url' },
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildMain().then(
    () => console.log('built dist/main (main.cjs, preload.cjs, engineProcess.cjs)'),
    (error) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
