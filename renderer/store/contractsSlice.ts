import type { StateCreator } from 'zustand';
import type { GraphSchemas } from '../../engine/contract/EngineApi.js';
import type { EditorState } from './editorState.js';

/**
 * The graph's contracts (SPEC §11): its `schemas/` folder as the engine loaded it, for a saved
 * graph. Validation reads them (contract problems on edges and nodes) and the canvas shows each
 * edge's contract with its schema.
 *
 * | key     | kept    | why                                                                   |
 * |---------|---------|-----------------------------------------------------------------------|
 * | schemas | dropped | reloaded from the folder beside the saved graph (useSchemas polls it) |
 */
export interface ContractsSlice {
  /** Null: no saved graph, or the engine has not answered yet. */
  schemas: GraphSchemas | null;
  setSchemas(schemas: GraphSchemas | null): void;
}

export const createContractsSlice: StateCreator<EditorState, [], [], ContractsSlice> = (set) => ({
  schemas: null,
  setSchemas(schemas) {
    set({ schemas });
  },
});
