import type { ELK as ElkApi } from 'elkjs/lib/elk.bundled.js';
import type { GraphFile, Position } from '../../engine/contract/graphFile.js';

let elk: Promise<ElkApi> | null = null;
/** ELK is 1.5 MB; load it on the first layout, not with the editor. */
function loadElk(): Promise<ElkApi> {
  // A CommonJS module: its `default` is the constructor under the bundler and Node alike, but
  // the two module resolutions type it differently (the tests compile the renderer under Node's).
  elk ??= import('elkjs/lib/elk.bundled.js').then((m) => new (m.default as unknown as new () => ElkApi)());
  return elk;
}

/** Sizes used for nodes React Flow has not measured yet (off screen with onlyRenderVisibleElements). */
const FALLBACK = { width: 200, height: 90 };

/**
 * Left-to-right layered layout (ELK `layered`), the way stream graphs read: sources on the
 * left, sinks on the right. Returns new top-left positions by node id.
 */
export async function autoLayout(
  graph: GraphFile,
  measured: Readonly<Record<string, { width: number; height: number }>>,
): Promise<Map<string, Position>> {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const result = await (
    await loadElk()
  ).layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '80',
      'elk.spacing.nodeNode': '40',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.separateConnectedComponents': 'true',
    },
    children: graph.nodes.map((n) => ({ id: n.id, ...(measured[n.id] ?? FALLBACK) })),
    edges: graph.edges
      .filter((e) => ids.has(e.from?.node) && ids.has(e.to?.node))
      .map((e) => ({ id: e.id, sources: [e.from.node], targets: [e.to.node] })),
  });
  const positions = new Map<string, Position>();
  for (const c of result.children ?? []) positions.set(c.id, { x: c.x ?? 0, y: c.y ?? 0 });
  return positions;
}
