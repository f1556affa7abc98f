import { createStore, type StoreApi } from 'zustand/vanilla';
import { createDocumentSlice } from './documentSlice.js';
import type { EditorState } from './editorState.js';
import { createRunSlice } from './runSlice.js';
import { createUiSlice } from './uiSlice.js';

export type EditorStore = StoreApi<EditorState>;

/**
 * A fresh editor store made of the document, UI and run slices. Tests make their own; the app
 * uses the one bound `useEditorStore`.
 */
export function createEditorStore(): EditorStore {
  return createStore<EditorState>()((...a) => ({
    ...createDocumentSlice(...a),
    ...createUiSlice(...a),
    ...createRunSlice(...a),
  }));
}
