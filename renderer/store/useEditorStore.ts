import { useStore } from 'zustand';
import { useEditor } from '../EditorContext.js';
import type { EditorState } from './editorState.js';

/**
 * Read the surrounding editor's store with a selector (module-level `selectX` selectors,
 * `useShallow` for derived objects). Outside render, use `useEditor().store.getState()`.
 */
export function useEditorStore<T>(selector: (state: EditorState) => T): T {
  return useStore(useEditor().store, selector);
}
