// Builds everything into dist/:
//   dist/cli.js, dist/worker.js   the engine (CLI, web host, runtime) and its worker thread
//   dist/engine.js                the engine as a library (benchmarks, embedding)
//   dist/renderer/                the editor (vite)
//   dist/main/                    the Electron main process, preload and engine process
// `node scripts/build.mjs [engine|renderer|main]...` builds only those parts.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The engine bundles. Dependencies stay in node_modules (better-sqlite3 is native). */
export async function buildEngine() {
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
    absWorkingDir: root,
  };
  await build({
    ...common,
    entryPoints: {
      cli: 'engine/cli/main.ts',
      worker: 'engine/runtime/worker/workerMain.ts',
      engine: 'engine/index.ts',
    },
    outdir: 'dist',
  });
}

export async function buildRenderer() {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
}

export async function buildMainProcess() {
  const script = join(root, 'scripts', 'build-main.mjs');
  if (!existsSync(script)) return;
  const { buildMain } = await import(pathToFileURL(script).href);
  await buildMain();
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const parts = process.argv.slice(2);
  const want = (p) => parts.length === 0 || parts.includes(p);
  const t0 = Date.now();
  if (want('engine')) await buildEngine();
  if (want('renderer') && existsSync(join(root, 'vite.config.ts'))) await buildRenderer();
  if (want('main')) await buildMainProcess();
  console.log(
    `built ${parts.length ? parts.join(', ') : 'engine, renderer, main'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
}
