import type { EngineApi } from '../../engine/contract/EngineApi.js';

/**
 * Engine calls the live view can use when the host offers them. They are not (yet) part of
 * `EngineApi`, so the UI checks for them at run time and explains when one is missing.
 */
export interface OptionalEngineApi {
  /** Kill the run's runtime hard (as a crash would) and let it recover from its last checkpoint. */
  crashRun?(runId: string): Promise<void>;
  /** Feed the given dead letters back into their nodes (after the user fixed the code). */
  replayDeadLetters?(target: { runId?: string; graphPath?: string }, ids: number[]): Promise<{ replayed: number }>;
}

export function optionalApi(engine: EngineApi): OptionalEngineApi {
  return engine as EngineApi & OptionalEngineApi;
}
