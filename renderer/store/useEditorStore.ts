import { useStore } from 'zustand';
import { createEditorStore } from './createEditorStore.js';
import type { EditorState } from './editorState.js';

/** The app's one editor store. */
export const editorStore = createEditorStore();

/** Read from the editor store with a selector (module-level `selectX` selectors, useShallow for objects). */
export function useEditorStore<T>(selector: (state: EditorState) => T): T {
  return useStore(editorStore, selector);
}
