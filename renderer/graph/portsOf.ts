import type { NodeDescriptor, PortSet } from '../../engine/contract/descriptor.js';
import type { GraphNode } from '../../engine/contract/graphFile.js';

const NO_PORTS: PortSet = { inputs: [], outputs: [] };
const cache = new WeakMap<object, PortSet>();

/**
 * The ports a node shows: the descriptor's ports for its config, plus `error` for nodes that run
 * user code (SPEC §4). Cached per config object, because every render of 1,000 nodes asks.
 * A config the descriptor cannot read yet (a half-typed route list) gives the base ports.
 */
export function portsOf(node: GraphNode, descriptor: NodeDescriptor | undefined): PortSet {
  if (!descriptor) return NO_PORTS;
  const hit = cache.get(node.config);
  if (hit) return hit;
  let ports: PortSet;
  try {
    ports = descriptor.ports(node.config ?? {});
  } catch {
    try {
      ports = descriptor.ports({});
    } catch {
      ports = NO_PORTS;
    }
  }
  if (descriptor.runsUserCode && !ports.outputs.includes('error')) {
    ports = { inputs: ports.inputs, outputs: [...ports.outputs, 'error'] };
  }
  if (node.config && typeof node.config === 'object') cache.set(node.config, ports);
  return ports;
}

/** React Flow handle ids carry the direction, so an input and an output may share a name. */
export const inputHandle = (port: string): string => `in:${port}`;
export const outputHandle = (port: string): string => `out:${port}`;

/** The direction and port name of a handle id, or null for a handle we did not make. */
export function parseHandle(handle: string | null | undefined): { dir: 'in' | 'out'; port: string } | null {
  if (!handle) return null;
  if (handle.startsWith('in:')) return { dir: 'in', port: handle.slice(3) };
  if (handle.startsWith('out:')) return { dir: 'out', port: handle.slice(4) };
  return null;
}
