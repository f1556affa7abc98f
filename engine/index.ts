/**
 * The engine's entry for hosts (the Electron main process, the CLI): the in-process
 * `EngineApi`, the local web host, and the contract types they speak.
 */
export * from './contract/index.js';
export { EngineService, MAX_DEAD_LETTERS } from './host/EngineService.js';
export type { EngineServiceDeps } from './host/EngineService.js';
export { FileAccess } from './host/FileAccess.js';
export { startWebHost, MAX_MESSAGE_BYTES, API_PATH } from './host/WebHost.js';
export type { WebHost, WebHostOptions } from './host/WebHost.js';
export { defaultStatePath, safeFileName } from './store/defaultStatePath.js';
export { startRun } from './runtime/startRun.js';
export type { StartedRun } from './runtime/startRun.js';
export type { RunHandle, RunOptions, RunResult } from './runtime/RunHandle.js';
export { serveCommand, openInBrowser } from './host/serveCommand.js';
export type { ServeOptions, ServeOutput } from './host/serveCommand.js';
