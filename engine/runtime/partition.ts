// The hash lives in the contract, so nodes (sink.nats's `${partition}`) share it with the runtime.
export { partitionOf } from '../contract/partition.js';
