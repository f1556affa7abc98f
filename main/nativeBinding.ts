import { join } from 'node:path';

/** The env var engine/store passes to better-sqlite3 as `nativeBinding` when set. */
export const SQLITE_BINDING_ENV = 'SLUICE_SQLITE_BINDING';

/** Where `npm run rebuild:electron`-style steps put the Electron-ABI build in development (see main/README.md). */
export const DEV_BINDING = join('dist', 'electron-native', 'better_sqlite3.node');

/**
 * The better-sqlite3 binary the engine process should load, or undefined for the package's own.
 *
 * - A path the developer already set in the environment wins.
 * - Packaged: electron-builder rebuilt node_modules/better-sqlite3 for Electron's ABI and
 *   unpacked it from the ASAR, so the default binding is the right one.
 * - Development (`electron .`): node_modules holds the Node build that tests and the CLI use,
 *   so the Electron build is kept apart under dist/electron-native and named here if present.
 * Pure; `exists` is passed in.
 */
export function sqliteBindingPath(input: {
  env: Readonly<Record<string, string | undefined>>;
  isPackaged: boolean;
  appRoot: string;
  exists: (path: string) => boolean;
}): string | undefined {
  const fromEnv = input.env[SQLITE_BINDING_ENV];
  if (fromEnv) return fromEnv;
  if (input.isPackaged) return undefined;
  const dev = join(input.appRoot, DEV_BINDING);
  return input.exists(dev) ? dev : undefined;
}
