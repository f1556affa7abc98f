import type { EngineApi, RunEvent } from './EngineApi.js';
import { ENGINE_API_VERSION } from './EngineApi.js';

/**
 * How EngineApi calls travel over a message transport (the web host's WebSocket, Electron IPC).
 * One union per direction, discriminated on `type`, plain JSON data.
 */
export type ApiMethod = Exclude<keyof EngineApi, 'subscribe'>;

/** Every method a transport forwards; a runtime walk of this list is the contract test. */
export const API_METHODS: readonly ApiMethod[] = [
  'validate',
  'startRun',
  'stopRun',
  'crashRun',
  'tapEdge',
  'listCheckpoints',
  'listDeadLetters',
  'replayDeadLetters',
  'listFiles',
  'openFile',
  'saveFile',
  'listExamples',
  'openExample',
] as const;

/** Client → host. */
export type ClientMessage =
  | { type: 'hello'; version: typeof ENGINE_API_VERSION }
  | { type: 'call'; id: number; method: ApiMethod; args: unknown[] };

/** Host → client. */
export type HostMessage =
  | { type: 'welcome'; version: typeof ENGINE_API_VERSION }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: string }
  | { type: 'event'; event: RunEvent };

export const isApiMethod = (m: unknown): m is ApiMethod =>
  typeof m === 'string' && (API_METHODS as readonly string[]).includes(m);
