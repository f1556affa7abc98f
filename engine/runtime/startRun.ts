import type { RunHandle, RunOptions } from './RunHandle.js';

/**
 * Compile a graph and run it on worker threads. (Being written: this placeholder keeps the
 * signature stable for the host and CLI.)
 */
export async function startRun(_options: RunOptions): Promise<RunHandle> {
  throw new Error('runtime not built yet');
}
