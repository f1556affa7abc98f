import type { StateCreator } from 'zustand';
import { DEFAULT_SETTINGS, GRAPH_FORMAT, GRAPH_VERSION, type GraphFile } from '../../engine/contract/graphFile.js';
import type { EditorState } from './editorState.js';

/** How many document snapshots undo keeps; snapshots share structure, so each costs little. */
const HISTORY_LIMIT = 200;
/** Edits with the same coalesce key closer together than this become one undo step (typing). */
const COALESCE_MS = 1000;

/** Options for one document change. */
export interface CommitOptions {
  /**
   * Changes with the same key in quick succession merge into one undo step: a drag (key
   * `drag`) or typing in one field (key `config:<node>:<field>`).
   */
  coalesce?: string;
}

/** Where the document came from, for the trust prompt (SPEC §2). */
export interface DocumentOrigin {
  filePath: string | null;
  /** The code in it was written on this machine or confirmed by the user. */
  trusted: boolean;
  /** Whether the loaded state counts as saved (a file) or not (template, import). */
  saved: boolean;
  /** The gallery template it was opened from, if any. */
  templateId?: string;
}

/**
 * The graph being edited and its undo history. Every document change goes through
 * `commitDocument`, which is what makes undo/redo cover everything.
 *
 * | key            | kept      | why                                                             |
 * |----------------|-----------|-----------------------------------------------------------------|
 * | graph          | saved     | the document itself; written with saveGraph()                   |
 * | filePath       | session   | where Save writes; recent files keep it across sessions         |
 * | savedGraph     | session   | the snapshot last saved/opened; dirty = graph !== savedGraph    |
 * | trusted        | session   | trust is remembered as content hashes in localStorage instead   |
 * | templateId     | session   | the template an unsaved document came from (its files, its run) |
 * | past / future  | session   | undo/redo snapshots, never saved                                |
 * | coalesceKey/At | dropped   | merge bookkeeping for the current burst of edits                |
 */
export interface DocumentSlice {
  graph: GraphFile;
  filePath: string | null;
  savedGraph: GraphFile | null;
  trusted: boolean;
  templateId: string | null;
  past: GraphFile[];
  future: GraphFile[];
  coalesceKey: string | null;
  coalesceAt: number;
  /** Replace the graph with `next`, recording the previous one for undo. */
  commitDocument(next: GraphFile, options?: CommitOptions): void;
  /** Close the current coalescing burst (a drag ended), so the next edit is its own step. */
  endCoalesce(): void;
  undo(): void;
  redo(): void;
  /** Load a whole new document (new, open, import, template): clears history and selection. */
  replaceDocument(graph: GraphFile, origin: DocumentOrigin): void;
  /** The current graph was written to `filePath`. */
  markSaved(filePath: string): void;
  setTrusted(trusted: boolean): void;
}

/** An empty graph, as New makes it. */
export function emptyGraph(name = 'Untitled'): GraphFile {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name,
    settings: { ...DEFAULT_SETTINGS },
    nodes: [],
    edges: [],
  };
}

/** The document slice, coalescing edits by `now` (injected so tests control time). */
export const createDocumentSlice =
  (now: () => number): StateCreator<EditorState, [], [], DocumentSlice> =>
  (set, get) => ({
    graph: emptyGraph(),
    filePath: null,
    savedGraph: null,
    trusted: true,
    templateId: null,
    past: [],
    future: [],
    coalesceKey: null,
    coalesceAt: 0,

    commitDocument(next, options) {
      const s = get();
      if (next === s.graph) return;
      const at = now();
      const key = options?.coalesce ?? null;
      const merge = key !== null && key === s.coalesceKey && at - s.coalesceAt < COALESCE_MS;
      set({
        graph: next,
        past: merge ? s.past : [...s.past, s.graph].slice(-HISTORY_LIMIT),
        future: [],
        coalesceKey: key,
        coalesceAt: at,
      });
    },

    endCoalesce() {
      set({ coalesceKey: null });
    },

    undo() {
      const s = get();
      const prev = s.past[s.past.length - 1];
      if (!prev) return;
      set({ graph: prev, past: s.past.slice(0, -1), future: [s.graph, ...s.future], coalesceKey: null });
      get().pruneSelection();
    },

    redo() {
      const s = get();
      const next = s.future[0];
      if (!next) return;
      set({ graph: next, past: [...s.past, s.graph], future: s.future.slice(1), coalesceKey: null });
      get().pruneSelection();
    },

    replaceDocument(graph, origin) {
      set({
        graph,
        filePath: origin.filePath,
        savedGraph: origin.saved ? graph : null,
        trusted: origin.trusted,
        templateId: origin.templateId ?? null,
        past: [],
        future: [],
        coalesceKey: null,
        selectedNodes: {},
        selectedEdges: {},
        problems: [],
        measured: {},
      });
      // The last graph's figures (rates on edges with the same ids, a refusal) are not this one's.
      get().clearRun();
    },

    markSaved(filePath) {
      set({ filePath, savedGraph: get().graph });
    },

    setTrusted(trusted) {
      set({ trusted });
    },
  });
