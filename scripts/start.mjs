// `npm start`: build, then open Sluice.
//   - Electron's binary present (a normal desktop machine: it downloads on first use) → the
//     desktop app.
//   - Otherwise (no binary, or SLUICE_WEB=1) → the same editor from the local web host on
//     127.0.0.1, opened in the browser when there is one; the URL with its token is printed.
// Extra arguments go to `sluice serve` (e.g. `npm start -- --port 4800`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinaryPath } from './electron-available.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });
if (built.status !== 0) process.exit(built.status ?? 1);

/**
 * Electron's binary, downloading it on first use as `require('electron')` would (Electron 45
 * has no install step). Where it cannot be downloaded (no network, a closed sandbox) this fails
 * within a second and we fall back to the browser.
 */
function electronOrNull() {
  if (process.env.SLUICE_WEB) return null;
  const found = electronBinaryPath();
  if (found) return found;
  const install = join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(install)) return null;
  console.log("Getting Electron's binary (first start only)…");
  spawnSync(process.execPath, [install], { stdio: 'ignore', cwd: root, timeout: 180_000 });
  return electronBinaryPath();
}

const electron = electronOrNull();
const extra = process.argv.slice(2);
const child = electron
  ? spawn(electron, [root, ...extra], { stdio: 'inherit' })
  : (console.log(
      process.env.SLUICE_WEB
        ? 'Starting the editor in your browser (SLUICE_WEB is set).'
        : "Electron's binary is not available on this machine; starting the editor in your browser instead.",
    ),
    spawn(process.execPath, [join(root, 'dist', 'cli.js'), 'serve', '--open', ...extra], { stdio: 'inherit' }));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
