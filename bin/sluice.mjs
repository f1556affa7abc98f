#!/usr/bin/env node
// `npx sluice …`: runs the bundled CLI (dist/cli.js), building it first if it is missing
// (a fresh clone after `npm install`). The build takes a second (esbuild).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
if (!existsSync(cli) || !existsSync(join(root, 'dist', 'worker.js'))) {
  const { buildEngine } = await import(pathToFileURL(join(root, 'scripts', 'build.mjs')).href);
  await buildEngine();
}
await import(pathToFileURL(cli).href);
