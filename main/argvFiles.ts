import { isAbsolute, resolve } from 'node:path';

/** The graph file extension the app is associated with. */
export const GRAPH_EXTENSION = '.sluice.json';

/**
 * The graph files named on a command line (first launch, or a second instance's argv handed to
 * the first). Flags, the Electron binary, the app path and other files are ignored; relative
 * paths resolve against the launching shell's folder `cwd`. Pure apart from path arithmetic.
 */
export function filesFromArgv(argv: readonly string[], cwd: string): string[] {
  const files: string[] = [];
  // argv[0] is the executable; in development argv[1] is the app folder. Neither ends in .sluice.json.
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-')) continue;
    if (!arg.toLowerCase().endsWith(GRAPH_EXTENSION)) continue;
    const file = isAbsolute(arg) ? resolve(arg) : resolve(cwd, arg);
    if (!files.includes(file)) files.push(file);
  }
  return files;
}
