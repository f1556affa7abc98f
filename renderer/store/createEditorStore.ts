import { createStore, type StoreApi } from 'zustand/vanilla';
import { createDocumentSlice } from './documentSlice.js';
import type { EditorState } from './editorState.js';
import { createRunSlice } from './runSlice.js';
import { SelectorMemo } from './SelectorMemo.js';
import { createUiSlice } from './uiSlice.js';

export type EditorStore = StoreApi<EditorState>;

/**
 * A fresh editor store made of the document, UI and run slices. Each editor (the app's, each
 * test's) makes its own and hands it down through `EditorContext`.
 */
export function createEditorStore(): EditorStore {
  return createStore<EditorState>()((...a) => ({
    ...createDocumentSlice(...a),
    ...createUiSlice(...a),
    ...createRunSlice(...a),
    memo: new SelectorMemo(),
  }));
}
