import type { ContractsSlice } from './contractsSlice.js';
import type { DocumentSlice } from './documentSlice.js';
import type { RunSlice } from './runSlice.js';
import type { SelectorMemo } from './SelectorMemo.js';
import type { UiSlice } from './uiSlice.js';

/**
 * The whole editor state: the three slices of the one bound store, plus `memo` (dropped: the
 * caches of memoised selectors, one per store; never replaced by `set`).
 */
export type EditorState = DocumentSlice & UiSlice & RunSlice & ContractsSlice & { readonly memo: SelectorMemo };
