import type { ReactFlowInstance } from '@xyflow/react';
import type { EngineApi } from '../../engine/contract/EngineApi.js';
import type { GraphFile } from '../../engine/contract/graphFile.js';
import type { EditorState } from '../store/editorState.js';
import type { EditorStore } from '../store/createEditorStore.js';
import type { SluiceFlowEdge, SluiceFlowNode } from '../store/selectors.js';

/** Where small things are remembered across sessions (`localStorage` in the page). */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** The system clipboard, as text. */
export interface TextClipboard {
  readText(): Promise<string>;
  writeText(text: string): Promise<void>;
}

/**
 * What an action may use besides the state: passed in, so actions stay testable (the
 * renderer's TestEditor passes fakes; createEditor passes the browser's own).
 */
export interface ActionContext {
  store: EditorStore;
  engine: EngineApi;
  /** The canvas, once mounted (fit view, zoom, centre on a node). */
  flow(): ReactFlowInstance<SluiceFlowNode, SluiceFlowEdge> | null;
  /** Ask the user a yes/no question. */
  confirm(message: string): boolean;
  /** Open the file picker for Import. */
  pickImportFile(): void;
  /** Run `fn` once the next frame is painted (fit the view to a graph React Flow has just drawn). */
  afterPaint(fn: () => void): void;
  clipboard: TextClipboard;
  /** Where trusted code and recent files are remembered. */
  storage: KeyValueStorage;
  /** Offer `text` as a file download named `name`. */
  download(name: string, text: string, type: string): void;
}

/** The parts of a key press that choose an action. */
export type KeyPress = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey' | 'preventDefault'>;

/** What a synchronous action returns; the manager applies it, so history is recorded in one place. */
export interface ActionResult {
  /** The new document; becomes one undo step. */
  graph?: GraphFile;
  /** Selection after the action. */
  select?: { nodes: readonly string[]; edges?: readonly string[] };
  notice?: string;
}

export type ActionGroup = 'File' | 'Edit' | 'View' | 'Run';

/** A command: a verb the user can trigger from a button, a shortcut or the help overlay. */
export interface Action {
  id: string;
  label: string;
  group: ActionGroup;
  /** Shortcuts as shown and matched: `Mod+Shift+Z` (Mod is Ctrl, or ⌘ on a Mac). */
  keys?: readonly string[];
  /** The keys are the browser's own (copy, paste): shown in help, left to the browser's events. */
  nativeKeys?: boolean;
  /** Why the action cannot run now, or null/undefined when it can. */
  disabledReason?(state: EditorState): string | null;
  perform(state: EditorState, ctx: ActionContext): ActionResult | void | Promise<void>;
}

/**
 * The one place commands run: buttons and shortcuts call `run(id)`. It checks whether the action
 * is enabled, applies its result through the store (so every document change is an undo step)
 * and turns failures into a notice instead of an uncaught error.
 */
export class ActionManager {
  private readonly actions = new Map<string, Action>();

  constructor(private readonly ctx: ActionContext) {}

  register(...actions: Action[]): this {
    for (const a of actions) this.actions.set(a.id, a);
    return this;
  }

  get(id: string): Action | undefined {
    return this.actions.get(id);
  }

  list(): Action[] {
    return [...this.actions.values()];
  }

  disabledReason(id: string): string | null {
    const action = this.actions.get(id);
    if (!action) return 'Unknown command.';
    return action.disabledReason?.(this.ctx.store.getState()) ?? null;
  }

  /** Run an action if it is enabled; the promise settles once it is done (a failure is a notice, never a rejection). */
  run(id: string): Promise<void> {
    const action = this.actions.get(id);
    if (!action) return Promise.resolve();
    const state = this.ctx.store.getState();
    if (action.disabledReason?.(state)) return Promise.resolve();
    try {
      const result = action.perform(state, this.ctx);
      if (result instanceof Promise) {
        return result.catch((err: unknown) => this.fail(action, err));
      } else if (result) {
        this.apply(result);
      }
    } catch (err) {
      this.fail(action, err);
    }
    return Promise.resolve();
  }

  /** Run the action bound to a key press; true if one matched. */
  handleKey(e: KeyPress): boolean {
    for (const action of this.actions.values()) {
      if (!action.nativeKeys && action.keys?.some((k) => matchesKey(k, e))) {
        e.preventDefault();
        this.run(action.id);
        return true;
      }
    }
    return false;
  }

  private apply(result: ActionResult): void {
    const s = this.ctx.store.getState();
    if (result.graph) s.commitDocument(result.graph);
    if (result.select) s.select(result.select.nodes, result.select.edges);
    else if (result.graph) s.pruneSelection();
    if (result.notice) s.notify(result.notice);
  }

  private fail(action: Action, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.ctx.store.getState().notify(`${action.label} failed: ${message}`, 'error');
  }
}

/** Whether a key event matches `Mod+Shift+Z`-style text. */
export function matchesKey(keys: string, e: Omit<KeyPress, 'preventDefault'>): boolean {
  // The last part is the key; it may itself be "+" ("+", "Mod++"), which a plain split loses.
  const last = keys.endsWith('+') ? '+' : keys.slice(keys.lastIndexOf('+') + 1);
  const parts = keys.slice(0, keys.length - last.length).split('+');
  const key = last.toLowerCase();
  const mod = parts.includes('Mod');
  const shift = parts.includes('Shift');
  const alt = parts.includes('Alt');
  if (mod !== (e.ctrlKey || e.metaKey) || alt !== e.altKey) return false;
  // Shifted symbols ("?", "+") already carry their shift in e.key.
  const symbol = key.length === 1 && !/[a-z0-9]/.test(key);
  if (!symbol && shift !== e.shiftKey) return false;
  return e.key.toLowerCase() === key || (key === 'delete' && e.key === 'Backspace');
}

/** Shortcut text for display: Ctrl or ⌘. */
export function displayKeys(keys: string): string {
  const mac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);
  return keys.replace('Mod', mac ? '⌘' : 'Ctrl');
}
