import type { EdgeChange, NodeChange } from '@xyflow/react';
import type { Position } from '../../engine/contract/graphFile.js';
import { moveNodes, removeElements } from '../graph/graphEdits.js';
import type { EditorState } from './editorState.js';
import type { SluiceFlowEdge, SluiceFlowNode } from './selectors.js';
import type { Size } from './uiSlice.js';

/**
 * React Flow runs controlled: it reports what the user did as change objects, and this applies
 * them to our document and selection, never to a copy of the nodes.
 *
 * 1. `position` moves the graph node; a drag is one undo step (coalesced under `drag`, closed
 *    when the drag ends).
 * 2. `dimensions` go to the measured sizes (session state, not the file).
 * 3. `select` updates the selection.
 * 4. `remove` deletes nodes with their edges, as one undo step.
 */
export function applyNodeChanges(state: EditorState, changes: readonly NodeChange<SluiceFlowNode>[]): void {
  const moves = new Map<string, Position>();
  let dragEnded = false;
  let measured: Record<string, Size> | null = null;
  let selected: Record<string, true> | null = null;
  const removed = new Set<string>();
  for (const c of changes) {
    switch (c.type) {
      case 'position':
        if (c.position) moves.set(c.id, c.position);
        if (c.dragging === false) dragEnded = true;
        break;
      case 'dimensions':
        if (c.dimensions) {
          const old = (measured ?? state.measured)[c.id];
          if (!old || old.width !== c.dimensions.width || old.height !== c.dimensions.height) {
            measured ??= { ...state.measured };
            measured[c.id] = { width: c.dimensions.width, height: c.dimensions.height };
          }
        }
        break;
      case 'select':
        selected ??= { ...state.selectedNodes };
        if (c.selected) selected[c.id] = true;
        else delete selected[c.id];
        break;
      case 'remove':
        removed.add(c.id);
        break;
      default:
        break;
    }
  }
  if (measured) state.setMeasured(measured);
  if (selected) state.setSelection(selected, state.selectedEdges);
  if (moves.size) state.commitDocument(moveNodes(state.graph, moves), { coalesce: 'drag' });
  if (dragEnded) state.endCoalesce();
  if (removed.size) {
    state.commitDocument(removeElements(state.graph, removed, new Set()));
    state.pruneSelection();
  }
}

/** The edge counterpart: selection and removal. */
export function applyEdgeChanges(state: EditorState, changes: readonly EdgeChange<SluiceFlowEdge>[]): void {
  let selected: Record<string, true> | null = null;
  const removed = new Set<string>();
  for (const c of changes) {
    if (c.type === 'select') {
      selected ??= { ...state.selectedEdges };
      if (c.selected) selected[c.id] = true;
      else delete selected[c.id];
    } else if (c.type === 'remove') {
      removed.add(c.id);
    }
  }
  if (selected) state.setSelection(state.selectedNodes, selected);
  if (removed.size) {
    state.commitDocument(removeElements(state.graph, new Set(), removed));
    state.pruneSelection();
  }
}
