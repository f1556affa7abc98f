import type { GraphFile } from '../contract/graphFile.js';
import { isRecord } from './isRecord.js';

/** Known keys in SPEC §2 order; each record writes these first, then its unknown keys as they were. */
const GRAPH_KEYS = ['format', 'version', 'name', 'description', 'settings', 'nodes', 'edges'];
const SETTINGS_KEYS = ['checkpointIntervalMs', 'defaultEdgeCapacity'];
const NODE_KEYS = ['id', 'type', 'label', 'position', 'parallelism', 'config'];
const EDGE_KEYS = ['id', 'from', 'to', 'capacity'];
const PORT_REF_KEYS = ['node', 'port'];
const POSITION_KEYS = ['x', 'y'];

/**
 * The text of a graph file: JSON with 2-space indents and a final newline, known keys in SPEC
 * order so files diff well, unknown keys kept after them (round-trip safe: `loadGraph(saveGraph(g))`
 * gives back `g`). Config objects keep the order the user gave.
 */
export function saveGraph(graph: GraphFile): string {
  const ordered = ordering(graph, GRAPH_KEYS, {
    settings: (s) => ordering(s, SETTINGS_KEYS, {}),
    nodes: (list) => mapList(list, (n) => ordering(n, NODE_KEYS, { position: (p) => ordering(p, POSITION_KEYS, {}) })),
    edges: (list) =>
      mapList(list, (e) =>
        ordering(e, EDGE_KEYS, {
          from: (r) => ordering(r, PORT_REF_KEYS, {}),
          to: (r) => ordering(r, PORT_REF_KEYS, {}),
        }),
      ),
  });
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

type Reorder = (value: unknown) => unknown;

/** A copy of `value` with `known` keys first (each passed through its reorder, if any), then the rest. */
function ordering(value: unknown, known: readonly string[], nested: Record<string, Reorder>): unknown {
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  const put = (key: string): void => {
    // defineProperty, not assignment: a "__proto__" key must stay data, never become a prototype.
    Object.defineProperty(out, key, {
      value: nested[key] ? nested[key](value[key]) : value[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  };
  for (const key of known) if (Object.hasOwn(value, key)) put(key);
  for (const key of Object.keys(value)) if (!known.includes(key)) put(key);
  return out;
}

function mapList(value: unknown, f: Reorder): unknown {
  return Array.isArray(value) ? value.map(f) : value;
}
