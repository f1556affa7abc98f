import { createContext, useContext } from 'react';
import type { ReactFlowInstance } from '@xyflow/react';
import type { KeychainApi } from '../engine/contract/DesktopApi.js';
import type { EngineApi } from '../engine/contract/EngineApi.js';
import type { ActionContext, ActionManager } from './actions/ActionManager.js';
import type { EditorStore } from './store/createEditorStore.js';
import type { SluiceFlowEdge, SluiceFlowNode } from './store/selectors.js';

/** Mutable hooks the mounted UI fills in (the canvas instance, the import file input). */
export interface EditorHooks {
  flow: ReactFlowInstance<SluiceFlowNode, SluiceFlowEdge> | null;
  importInput: HTMLInputElement | null;
}

/**
 * One editor: its store, the engine it talks to, and the commands. Components reach it only
 * through `useEditor()` (tldraw's pattern), never through a module singleton, so a test or a
 * second window can mount its own editor over its own store and engine.
 */
export interface Editor {
  /** The one zustand store of this editor: document, UI and run slices. */
  store: EditorStore;
  engine: EngineApi;
  /** The desktop app's OS keychain (`${keychain:NAME}` secrets); null in the web host, which has none. */
  keychain: KeychainApi | null;
  actions: ActionManager;
  /** The context actions get (for components that call document I/O helpers). */
  actionContext: ActionContext;
  hooks: EditorHooks;
}

export const EditorContext = createContext<Editor | null>(null);

/** The editor of the surrounding `<EditorContext.Provider>`; throws outside one (a wiring bug). */
export function useEditor(): Editor {
  const editor = useContext(EditorContext);
  if (!editor) throw new Error('useEditor() needs an <EditorContext.Provider> above it.');
  return editor;
}
