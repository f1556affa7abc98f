import { findSchema } from '../../engine/contracts/common/findSchema.js';
import { contractFlow, type ContractFlow } from '../../engine/graph/contractFlow.js';
import { nodeRegistry } from '../../engine/nodes/registry.js';
import type { EditorState } from './editorState.js';

/** What the canvas shows of an edge's contract. */
export interface EdgeContractView {
  ref: string;
  /** The edge names it itself (else it flowed from its producer). */
  declared: boolean;
  /** The schema, pretty-printed for the hover; null when the graph's schemas lack it. */
  schema: string | null;
}

interface FlowMemo {
  graph: unknown;
  /** What the flow depends on: the edges, and each node's id, type and contract. */
  edges: unknown;
  nodes: string;
  flow: ContractFlow | null;
  /** Edges that name their contract themselves. */
  declared: Set<string>;
}

/**
 * The graph's contract flow, kept in the store's memo and worked out again only when what it
 * depends on changed (not when a node moves: dragging changes the graph on every frame), and
 * not at all for a graph that names no contract.
 */
function selectFlow(s: EditorState): FlowMemo {
  const memo = s.memo.slot(selectFlow, (): FlowMemo => ({
    graph: null,
    edges: null,
    nodes: '',
    flow: null,
    declared: new Set(),
  }));
  if (memo.graph === s.graph) return memo;
  memo.graph = s.graph;
  let any = false;
  let nodes = '';
  for (const n of s.graph.nodes) {
    const c = n.config?.contract;
    if (typeof c === 'string') any = true;
    nodes += `${n.id}\u0000${n.type}\u0000${typeof c === 'string' ? c : ''}\u0001`;
  }
  if (memo.edges === s.graph.edges && memo.nodes === nodes) return memo;
  memo.edges = s.graph.edges;
  memo.nodes = nodes;
  memo.declared = new Set(s.graph.edges.filter((e) => typeof e.contract === 'string').map((e) => e.id));
  memo.flow = any || memo.declared.size > 0 ? contractFlow(s.graph, nodeRegistry) : null;
  return memo;
}

/**
 * The contract on edge `id`, or null. Memoised per edge on (ref, schemas), so a component
 * selecting it re-renders only when its pill changes.
 */
export function selectEdgeContract(s: EditorState, id: string): EdgeContractView | null {
  const flow = selectFlow(s);
  const ref = flow.flow?.edges.get(id);
  if (ref === undefined) return null;
  const memo = s.memo.slot(selectEdgeContract, () => new Map<string, { key: unknown[]; view: EdgeContractView }>());
  const declared = flow.declared.has(id);
  const hit = memo.get(id);
  if (hit && hit.key[0] === ref && hit.key[1] === s.schemas && hit.key[2] === declared) return hit.view;
  const schema = s.schemas ? findSchema(s.schemas.schemas, ref) : undefined;
  const view: EdgeContractView = {
    ref,
    declared,
    schema: schema ? `${ref}\n${JSON.stringify(schema.schema, null, 2)}` : null,
  };
  memo.set(id, { key: [ref, s.schemas, declared], view });
  return view;
}
