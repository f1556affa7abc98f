import type { ENGINE_API_VERSION } from '../engine/index.js';

/**
 * The wire protocol version main and the engine process speak. A copy rather than a runtime
 * import: importing any value from engine/index.ts would bundle the whole engine (and
 * better-sqlite3) into the main process. The type ties it to the engine's constant, so a bump
 * there fails to compile here.
 */
export const PROTOCOL_VERSION: typeof ENGINE_API_VERSION = 1;
