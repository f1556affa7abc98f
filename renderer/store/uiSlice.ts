import type { StateCreator } from 'zustand';
import type { RestorePreview } from '../../engine/contract/EngineApi.js';
import type { Problem } from '../../engine/contract/problem.js';
import type { EditorState } from './editorState.js';

/** A short message at the bottom of the window that goes away by itself. */
export interface Notice {
  id: number;
  text: string;
  tone: 'info' | 'error';
}

/** The modal on top of the editor, if any. */
export type Dialog =
  | { kind: 'open' }
  | { kind: 'saveAs' }
  | { kind: 'templates' }
  | { kind: 'help' }
  /** `then: 'group'`: trusted, go on to "Run as group member…". */
  | { kind: 'trust'; fresh?: boolean; then?: 'group' }
  | { kind: 'groupRun' }
  | { kind: 'resume'; preview: RestorePreview }
  | { kind: 'message'; title: string; text: string };

export interface Size {
  width: number;
  height: number;
}

/**
 * Selection and everything else about the editor that is not the document.
 *
 * | key            | kept    | why                                                               |
 * |----------------|---------|-------------------------------------------------------------------|
 * | selectedNodes  | session | selection survives edits but not a new document                   |
 * | selectedEdges  | session | same                                                              |
 * | measured       | session | node sizes React Flow measured; needed so controlled nodes stay visible |
 * | problems       | dropped | recomputed from the graph by validate() (debounced)               |
 * | validating     | dropped | a change is waiting for the debounce                              |
 * | notice         | dropped | transient toast                                                   |
 * | dialog         | dropped | which modal is open                                               |
 * | searchOpen     | dropped | node search box                                                   |
 * | problemsOpen   | session | whether the problems list is expanded                             |
 * | minimapOpen    | session | whether the canvas shows its minimap (it can cover nodes)          |
 */
export interface UiSlice {
  selectedNodes: Readonly<Record<string, true>>;
  selectedEdges: Readonly<Record<string, true>>;
  measured: Readonly<Record<string, Size>>;
  problems: readonly Problem[];
  validating: boolean;
  notice: Notice | null;
  dialog: Dialog | null;
  searchOpen: boolean;
  problemsOpen: boolean;
  minimapOpen: boolean;
  setMinimapOpen(open: boolean): void;
  select(nodes: readonly string[], edges?: readonly string[]): void;
  setSelection(nodes: Readonly<Record<string, true>>, edges: Readonly<Record<string, true>>): void;
  /** Drop ids that no longer exist (after undo, delete). */
  pruneSelection(): void;
  setMeasured(measured: Readonly<Record<string, Size>>): void;
  setProblems(problems: readonly Problem[]): void;
  setValidating(validating: boolean): void;
  notify(text: string, tone?: Notice['tone']): void;
  dismissNotice(): void;
  openDialog(dialog: Dialog | null): void;
  setSearchOpen(open: boolean): void;
  setProblemsOpen(open: boolean): void;
}

export const createUiSlice: StateCreator<EditorState, [], [], UiSlice> = (set, get) => {
  // Tells one notice from the next with the same text (its timer must not close the newer one).
  let noticeIds = 0;
  return {
    selectedNodes: {},
    selectedEdges: {},
    measured: {},
    problems: [],
    validating: false,
    notice: null,
    dialog: null,
    searchOpen: false,
    problemsOpen: true,
    minimapOpen: true,

    select(nodes, edges = []) {
      set({
        selectedNodes: Object.fromEntries(nodes.map((id) => [id, true as const])),
        selectedEdges: Object.fromEntries(edges.map((id) => [id, true as const])),
      });
    },
    setSelection(selectedNodes, selectedEdges) {
      set({ selectedNodes, selectedEdges });
    },
    pruneSelection() {
      const { graph, selectedNodes, selectedEdges } = get();
      const nodeIds = new Set(graph.nodes.map((n) => n.id));
      const edgeIds = new Set(graph.edges.map((e) => e.id));
      const keptNodes = Object.keys(selectedNodes).filter((id) => nodeIds.has(id));
      const keptEdges = Object.keys(selectedEdges).filter((id) => edgeIds.has(id));
      if (
        keptNodes.length !== Object.keys(selectedNodes).length ||
        keptEdges.length !== Object.keys(selectedEdges).length
      ) {
        get().select(keptNodes, keptEdges);
      }
    },
    setMeasured(measured) {
      set({ measured });
    },
    setProblems(problems) {
      set({ problems, validating: false });
    },
    setValidating(validating) {
      set({ validating });
    },
    notify(text, tone = 'info') {
      set({ notice: { id: ++noticeIds, text, tone } });
    },
    dismissNotice() {
      set({ notice: null });
    },
    openDialog(dialog) {
      set({ dialog });
    },
    setSearchOpen(searchOpen) {
      set({ searchOpen });
    },
    setMinimapOpen(minimapOpen) {
      set({ minimapOpen });
    },
    setProblemsOpen(problemsOpen) {
      set({ problemsOpen });
    },
  };
};
