import type { EventSchema, GraphFile, Problem } from '../contract/index.js';
import { UserError } from '../contract/index.js';
import { shortText } from '../graph/shortText.js';
import type { KeychainLookup } from '../graph/resolveConnections.js';
import { validate } from '../graph/validate.js';
import { isolatedNodes } from '../graph/validateTopology.js';
import { nodeRegistry } from '../nodes/registry.js';

/** Where a problem is, for a line of output: "node price", "edge e3" or "graph" (a hostile megabyte-long id is cut). */
export function problemPlace(p: Problem): string {
  return p.nodeId ? `node ${shortText(p.nodeId)}` : p.edgeId ? `edge ${shortText(p.edgeId)}` : 'graph';
}

/** One problem as one line: "node price: The expression does not parse …". */
export function describeProblem(p: Problem): string {
  return `${problemPlace(p)}: ${p.message}`;
}

/**
 * A graph validated without errors: the only kind a run starts from. Made once per run by
 * `CheckedGraph.check`, by whoever loads the graph (the CLI, the engine service), and handed
 * down as it is, so nothing validates it again.
 */
export class CheckedGraph {
  private constructor(
    readonly graph: GraphFile,
    /** Problems that do not block a run. */
    readonly warnings: readonly Problem[],
    /** The graph's contracts (its `schemas/` folder), which the workers check events against. */
    readonly schemas: readonly EventSchema[] = [],
    /**
     * The keychain it was checked against, which the run resolves `${keychain:…}` from (so
     * what was checked is what runs); 'absent' outside the desktop app.
     */
    readonly keychain: KeychainLookup = 'absent',
  ) {}

  /**
   * Validate `graph` once: the checked graph, or every error found. With the graph's `schemas`
   * the contracts pass runs too (a contract that does not exist blocks the run). `keychain`:
   * the desktop app's secrets; without it a `${keychain:…}` is an error (no keychain here).
   */
  static check(
    graph: GraphFile,
    schemas?: readonly EventSchema[],
    keychain: KeychainLookup = 'absent',
  ): { ok: true; checked: CheckedGraph } | { ok: false; errors: Problem[] } {
    const problems = validate(graph, nodeRegistry, { schemas, env: process.env, keychain });
    const errors = problems.filter((p) => p.severity === 'error');
    if (errors.length > 0) return { ok: false, errors };
    // Nodes wired to nothing (a stray paste) are left out, as their warning says.
    const out = new Set(isolatedNodes(graph, (type) => nodeRegistry.get(type)?.category));
    const run = out.size === 0 ? graph : { ...graph, nodes: graph.nodes.filter((n) => !out.has(n.id)) };
    return { ok: true, checked: new CheckedGraph(run, problems, schemas ?? [], keychain) };
  }

  /** `graph` as it is if already checked, else checked now; an invalid one is a `UserError` listing every error. */
  static require(
    graph: GraphFile | CheckedGraph,
    schemas?: readonly EventSchema[],
    keychain?: KeychainLookup,
  ): CheckedGraph {
    if (graph instanceof CheckedGraph) return graph;
    const r = CheckedGraph.check(graph, schemas, keychain);
    if (r.ok) return r.checked;
    const n = r.errors.length;
    throw new UserError(
      `the graph has ${n} problem${n === 1 ? '' : 's'}:\n  ${r.errors.map(describeProblem).join('\n  ')}`,
    );
  }
}
