import type { GraphEdge, NodeDescriptor } from '../contract/index.js';

export interface FusionInput {
  edges: readonly GraphEdge[];
  parallelism: ReadonlyMap<string, number>;
  descriptors: ReadonlyMap<string, NodeDescriptor>;
  /** Turn fusion off (benchmarks compare; debugging shows every edge as a queue). */
  fuse: boolean;
}

/**
 * Pass 3: decide which edges become plain calls inside one worker. An edge A→B fuses when
 * 1. B has no other incoming edge (a node with several inputs aligns barriers across queues),
 * 2. A is not a topic (each subscription reads at its own pace, so it needs its own queue),
 * 3. A and B have the same parallelism, and either it is 1 or A keeps keys (instance i of A then
 *    only holds keys that hash to instance i of B, so no reshuffle is needed),
 * 4. B is not a blocking sink (file and SQLite sinks write and fsync when a checkpoint commits):
 *    on its own queue it works on the other core while the chain goes on.
 * Returns the set of fused edge ids.
 */
export function fuseChains({ edges, parallelism, descriptors, fuse }: FusionInput): Set<string> {
  const fused = new Set<string>();
  if (!fuse) return fused;
  const incoming = new Map<string, number>();
  for (const e of edges) incoming.set(e.to.node, (incoming.get(e.to.node) ?? 0) + 1);
  for (const e of edges) {
    const a = descriptors.get(e.from.node);
    if (!a) continue;
    const pa = parallelism.get(e.from.node) ?? 1;
    const pb = parallelism.get(e.to.node) ?? 1;
    if (incoming.get(e.to.node) !== 1) continue;
    if (a.type === 'topic') continue;
    if (descriptors.get(e.to.node)?.blocking) continue;
    if (pa !== pb) continue;
    if (pa > 1 && a.changesKey) continue;
    fused.add(e.id);
  }
  return fused;
}
