import type { InstanceHost } from './InstanceHost.js';

/**
 * The instance whose code runs now, shared by the parts of a worker that call operators, so
 * an error report can name the node it happened in.
 */
export interface CurrentHost {
  host: InstanceHost | null;
}
