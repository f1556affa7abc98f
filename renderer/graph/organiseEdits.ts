import type { GraphFile, GraphGroup, GraphNote, Position } from '../../engine/contract/graphFile.js';
import { isRecord } from '../../engine/graph/isRecord.js';
import { newId } from './newId.js';

/**
 * Immutable edits of what organises a graph without running: sticky notes, titled groups and
 * disabled nodes (all kept in the graph file; see engine/graph/validateAnnotations.ts).
 */

export const NOTE_SIZE = { width: 220, height: 110 } as const;

/** The graph's well-formed notes (validation warns about the others, which are left out). */
export function notesOf(graph: GraphFile): GraphNote[] {
  if (!Array.isArray(graph.notes)) return [];
  const seen = new Set<string>();
  return graph.notes.filter((n): n is GraphNote => {
    const ok =
      isRecord(n) &&
      typeof n.id === 'string' &&
      n.id !== '' &&
      !seen.has(n.id) &&
      typeof n.text === 'string' &&
      isRecord(n.position) &&
      Number.isFinite(n.position.x) &&
      Number.isFinite(n.position.y);
    if (ok) seen.add(n.id);
    return ok;
  });
}

/** The graph's well-formed groups, each with only the members the graph has. */
export function groupsOf(graph: GraphFile): GraphGroup[] {
  if (!Array.isArray(graph.groups)) return [];
  const ids = new Set(graph.nodes.map((n) => n.id));
  const seen = new Set<string>();
  const out: GraphGroup[] = [];
  for (const g of graph.groups as unknown[]) {
    if (!isRecord(g) || typeof g.id !== 'string' || g.id === '' || seen.has(g.id) || !Array.isArray(g.nodes)) continue;
    seen.add(g.id);
    const nodes = g.nodes.filter((n): n is string => typeof n === 'string' && ids.has(n));
    out.push({ ...g, id: g.id, title: typeof g.title === 'string' ? g.title : g.id, nodes });
  }
  return out;
}

export function addNote(graph: GraphFile, position: Position, text = ''): { graph: GraphFile; id: string } {
  const notes = Array.isArray(graph.notes) ? graph.notes : [];
  const id = newId('note', new Set(notes.map((n) => (isRecord(n) ? String(n.id) : ''))));
  const note: GraphNote = { id, text, position: { x: Math.round(position.x), y: Math.round(position.y) } };
  return { graph: { ...graph, notes: [...notes, note] }, id };
}

export function updateNote(graph: GraphFile, id: string, patch: Partial<Omit<GraphNote, 'id'>>): GraphFile {
  if (!Array.isArray(graph.notes)) return graph;
  return { ...graph, notes: graph.notes.map((n) => (isRecord(n) && n.id === id ? { ...n, ...patch } : n)) };
}

export function removeNote(graph: GraphFile, id: string): GraphFile {
  if (!Array.isArray(graph.notes)) return graph;
  const notes = graph.notes.filter((n) => !(isRecord(n) && n.id === id));
  if (notes.length > 0) return { ...graph, notes };
  const { notes: _gone, ...rest } = graph;
  return rest as GraphFile;
}

/** Put `nodeIds` in a new group titled `title`; each node leaves any group it was in. */
export function groupNodes(
  graph: GraphFile,
  nodeIds: readonly string[],
  title: string,
): { graph: GraphFile; id: string } {
  const members = new Set(nodeIds);
  const groups = Array.isArray(graph.groups) ? graph.groups : [];
  const id = newId('group', new Set(groups.map((g) => (isRecord(g) ? String(g.id) : ''))));
  const kept = groups
    .map((g) => (isRecord(g) && Array.isArray(g.nodes) ? { ...g, nodes: g.nodes.filter((n) => !members.has(n)) } : g))
    .filter((g) => !(isRecord(g) && Array.isArray(g.nodes) && g.nodes.length === 0));
  return { graph: { ...graph, groups: [...kept, { id, title, nodes: [...nodeIds] }] }, id };
}

export function renameGroup(graph: GraphFile, id: string, title: string): GraphFile {
  if (!Array.isArray(graph.groups)) return graph;
  return { ...graph, groups: graph.groups.map((g) => (isRecord(g) && g.id === id ? { ...g, title } : g)) };
}

/** Remove the group (its nodes stay). */
export function ungroup(graph: GraphFile, id: string): GraphFile {
  if (!Array.isArray(graph.groups)) return graph;
  const groups = graph.groups.filter((g) => !(isRecord(g) && g.id === id));
  if (groups.length > 0) return { ...graph, groups };
  const { groups: _gone, ...rest } = graph;
  return rest as GraphFile;
}

/** Drop deleted nodes from groups, and groups left empty (after a delete). */
export function pruneGroups(graph: GraphFile): GraphFile {
  if (!Array.isArray(graph.groups)) return graph;
  const ids = new Set(graph.nodes.map((n) => n.id));
  let changed = false;
  const groups = graph.groups
    .map((g) => {
      if (!isRecord(g) || !Array.isArray(g.nodes) || g.nodes.every((n) => ids.has(n as string))) return g;
      changed = true;
      return { ...g, nodes: g.nodes.filter((n) => ids.has(n as string)) };
    })
    .filter((g) => {
      const empty = isRecord(g) && Array.isArray(g.nodes) && g.nodes.length === 0;
      if (empty) changed = true;
      return !empty;
    });
  if (!changed) return graph;
  if (groups.length > 0) return { ...graph, groups };
  const { groups: _gone, ...rest } = graph;
  return rest as GraphFile;
}

/** Disable (or enable) nodes: `disabled: true`, or the key removed. */
export function setDisabled(graph: GraphFile, nodeIds: readonly string[], disabled: boolean): GraphFile {
  const ids = new Set(nodeIds);
  let changed = false;
  const nodes = graph.nodes.map((n) => {
    if (!ids.has(n.id) || (n.disabled === true) === disabled) return n;
    changed = true;
    if (disabled) return { ...n, disabled: true };
    const { disabled: _off, ...rest } = n;
    return rest as typeof n;
  });
  return changed ? { ...graph, nodes } : graph;
}
