import type { GraphFile } from '../../engine/contract/graphFile.js';
import type { EdgeMetrics, MetricsSnapshot } from '../../engine/contract/metrics.js';

/** Backpressure at or above which an edge counts as strained (its producer waits noticeably). */
export const STRAINED = 0.1;
/** Backpressure at or above which an edge counts as blocked (its producer waits most of the time). */
export const BLOCKED = 0.5;
/** Busy share at or above which a node counts as the bottleneck by itself. */
export const BUSY = 0.5;

/** How an edge is drawn: idle (nothing crossed in the last second), calm, strained, blocked. */
export type PressureLevel = 'idle' | 'calm' | 'strained' | 'blocked';

export function pressureLevel(m: EdgeMetrics): PressureLevel {
  if (m.backpressure >= BLOCKED) return 'blocked';
  // A queue that is nearly full is strained even in a second the producer did not yet wait.
  if (m.backpressure >= STRAINED || (m.capacity > 0 && m.queued / m.capacity >= 0.9)) return 'strained';
  return m.rate > 0 || m.queued > 0 ? 'calm' : 'idle';
}

/** The answer to "where is the bottleneck?" for one frame. */
export interface Bottleneck {
  nodeId: string;
  /** The node's label (or id) as the user knows it. */
  name: string;
  busy: number;
  /** Why it is the bottleneck: it is busy itself, or it holds its input back (throttle, slow sink wait). */
  cause: 'busy' | 'holding';
  /** Edges upstream of it whose producers it backpressures (transitively). */
  edgeIds: string[];
  /** The sentence after the node name: "is 97% busy; 3 edges upstream are blocked". */
  text: string;
}

/**
 * Find the node that limits the run:
 * 1. The busiest node, if it is busy at least half the time (ties: a non-source with blocked inputs).
 * 2. Else the consumer of the most backpressured edge; while that consumer's own output is
 *    blocked, the cause sits further down, so follow the most blocked outgoing edge.
 * 3. Collect the edges it backpressures: its strained inputs, and theirs upstream, transitively.
 * Returns null when every node has headroom and no edge is strained.
 */
export function findBottleneck(graph: GraphFile, snapshot: MetricsSnapshot): Bottleneck | null {
  const incoming = new Map<string, string[]>();
  const outgoing = new Map<string, string[]>();
  const ends = new Map<string, { from: string; to: string }>();
  for (const e of graph.edges) {
    const from = e.from?.node;
    const to = e.to?.node;
    if (typeof from !== 'string' || typeof to !== 'string') continue;
    ends.set(e.id, { from, to });
    (incoming.get(to) ?? incoming.set(to, []).get(to)!).push(e.id);
    (outgoing.get(from) ?? outgoing.set(from, []).get(from)!).push(e.id);
  }
  const bp = (edgeId: string) => snapshot.edges[edgeId]?.backpressure ?? 0;

  // Nodes fused into one worker share its busy share, so ties are common: among the nodes within
  // 5 points of the busiest, prefer one that is not a source and whose inputs are backpressured.
  let nodeId: string | null = null;
  let cause: Bottleneck['cause'] = 'busy';
  let busiest = -1;
  for (const m of Object.values(snapshot.nodes)) busiest = Math.max(busiest, m.busy);
  let bestScore = -1;
  for (const [id, m] of Object.entries(snapshot.nodes)) {
    if (m.busy < busiest - 0.05) continue;
    const inputs = incoming.get(id) ?? [];
    const score = (inputs.length > 0 ? 1 : 0) + Math.max(0, ...inputs.map(bp));
    if (score > bestScore) {
      bestScore = score;
      nodeId = id;
    }
  }
  if (busiest < BUSY) {
    nodeId = null;
    let worst: string | null = null;
    for (const id of ends.keys()) if (bp(id) >= STRAINED && (worst === null || bp(id) > bp(worst))) worst = id;
    if (worst === null) return null;
    cause = 'holding';
    let at: string = ends.get(worst)!.to;
    const seen = new Set<string>([at]);
    for (;;) {
      const blockedOut: string | undefined = (outgoing.get(at) ?? [])
        .filter((id) => bp(id) >= BLOCKED)
        .sort((a, b) => bp(b) - bp(a))[0];
      if (!blockedOut) break;
      const next: string = ends.get(blockedOut)!.to;
      if (seen.has(next)) break;
      seen.add(next);
      at = next;
    }
    nodeId = at;
  }
  if (nodeId === null) return null;

  const edgeIds: string[] = [];
  const visited = new Set<string>();
  const stack = [nodeId];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (visited.has(n)) continue;
    visited.add(n);
    for (const id of incoming.get(n) ?? []) {
      if (bp(id) < STRAINED) continue;
      edgeIds.push(id);
      stack.push(ends.get(id)!.from);
    }
  }

  const node = graph.nodes.find((n) => n.id === nodeId);
  const name = typeof node?.label === 'string' && node.label ? node.label : nodeId;
  const busy = snapshot.nodes[nodeId]?.busy ?? 0;
  const pct = `${Math.round(busy * 100)}%`;
  const blocked =
    edgeIds.length === 0
      ? 'no edge upstream is blocked'
      : `${edgeIds.length} edge${edgeIds.length === 1 ? ' upstream is' : 's upstream are'} blocked`;
  const text = cause === 'busy' ? `is ${pct} busy; ${blocked}` : `holds its input back (${pct} busy); ${blocked}`;
  return { nodeId, name, busy, cause, edgeIds, text };
}
