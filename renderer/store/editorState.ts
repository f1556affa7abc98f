import type { DocumentSlice } from './documentSlice.js';
import type { RunSlice } from './runSlice.js';
import type { UiSlice } from './uiSlice.js';

/** The whole editor state: the three slices of the one bound store. */
export type EditorState = DocumentSlice & UiSlice & RunSlice;
