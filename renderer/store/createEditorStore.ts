import { createStore, type StoreApi } from 'zustand/vanilla';
import { createContractsSlice } from './contractsSlice.js';
import { createDocumentSlice } from './documentSlice.js';
import type { EditorState } from './editorState.js';
import { createRunSlice } from './runSlice.js';
import { SelectorMemo } from './SelectorMemo.js';
import { createUiSlice } from './uiSlice.js';

export type EditorStore = StoreApi<EditorState>;

export interface EditorStoreOptions {
  /** The clock edits are coalesced by (typing within a second is one undo step); `Date.now` by default. */
  now?: () => number;
}

/**
 * A fresh editor store made of the document, UI and run slices. Each editor (the app's, each
 * test's) makes its own and hands it down through `EditorContext`.
 */
export function createEditorStore(options: EditorStoreOptions = {}): EditorStore {
  return createStore<EditorState>()((...a) => ({
    ...createDocumentSlice(options.now ?? Date.now)(...a),
    ...createUiSlice(...a),
    ...createRunSlice(...a),
    ...createContractsSlice(...a),
    memo: new SelectorMemo(),
  }));
}
