/**
 * One RPC layer for every transport: a schema per method (`method`, with `check` values per
 * argument, in ./check.ts), a generic server (`fromService`, and `servePort` over any message port) and a
 * generic client (`toService`/`serviceClient`, and `PortClient` over any message port).
 */
export type { AnyCheck, Check } from './check.js';
export * from './method.js';
export * from './checkCall.js';
export * from './Channel.js';
export * from './describeError.js';
export * from './fromService.js';
export * from './toService.js';
export * from './wireProtocol.js';
export * from './servePort.js';
export * from './PortClient.js';
