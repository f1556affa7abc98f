import type { Options } from 'better-sqlite3';

/**
 * Options every better-sqlite3 connection gets. The Electron app runs the engine under
 * Electron's ABI and points `SLUICE_SQLITE_BINDING` at a build for it (main/nativeBinding.ts);
 * the CLI and tests leave it unset and load the Node build.
 */
export function sqliteOptions(extra: Options = {}): Options {
  const binding = process.env['SLUICE_SQLITE_BINDING'];
  return binding ? { ...extra, nativeBinding: binding } : extra;
}
