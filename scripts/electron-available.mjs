// Whether the Electron binary can be launched here: `npm start` uses it when present and falls
// back to the web host when not (it cannot be downloaded on every machine).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The Electron executable's absolute path, or null when Electron is not installed or its binary
 * was never downloaded. Reads node_modules/electron/path.txt (written by electron's install
 * step) and checks the file it names exists; `electronDir` is for tests.
 * @param {string} [electronDir]
 * @returns {string | null}
 */
export function electronBinaryPath(electronDir = path.join(root, 'node_modules', 'electron')) {
  const pathFile = path.join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  if (relative === '') return null;
  const binary = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(electronDir, 'dist'), relative);
  return existsSync(binary) ? binary : null;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const binary = electronBinaryPath();
  console.log(binary ?? 'Electron is not available here (its binary was not downloaded).');
  process.exit(binary ? 0 : 1);
}
