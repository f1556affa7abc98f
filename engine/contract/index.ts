/**
 * The engine's contract: types shared by the graph model, node library, runtime, host and the
 * renderer. Isomorphic: no Node, no DOM.
 */
export * from './ids.js';
export * from './event.js';
export * from './graphFile.js';
export * from './problem.js';
export * from './descriptor.js';
export * from './operator.js';
export * from './connector.js';
export * from './eventSchema.js';
export * from './metrics.js';
export * from './alert.js';
export * from './EngineApi.js';
export * from './DesktopApi.js';
export * from './rpc/index.js';
