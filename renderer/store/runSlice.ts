import type { StateCreator } from 'zustand';
import type { EditorState } from './editorState.js';

/**
 * The run started from the editor. Running and live metrics come in a later issue; for now the
 * slice holds what the status line shows.
 *
 * | key        | kept    | why                                           |
 * |------------|---------|-----------------------------------------------|
 * | runId      | session | the run this window started, for later stop   |
 * | runStatus  | dropped | status text shown beside the Run button       |
 */
export interface RunSlice {
  runId: string | null;
  runStatus: string | null;
  setRun(runId: string | null, runStatus: string | null): void;
  setRunStatus(runStatus: string | null): void;
}

export const createRunSlice: StateCreator<EditorState, [], [], RunSlice> = (set) => ({
  runId: null,
  runStatus: null,
  setRun(runId, runStatus) {
    set({ runId, runStatus });
  },
  setRunStatus(runStatus) {
    set({ runStatus });
  },
});
