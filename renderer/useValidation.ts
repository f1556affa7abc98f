import { useEffect } from 'react';
import { validate } from '../engine/graph/validate.js';
import { nodeRegistry } from '../engine/nodes/registry.js';
import type { EditorStore } from './store/createEditorStore.js';

/** Quiet time after the last edit before validating: fast enough to feel live, slow enough not to run per keystroke. */
const DEBOUNCE_MS = 150;

/**
 * Validate as the user draws: the engine's own `validate()` (the same the CLI and `run` use)
 * runs in the page, debounced, whenever the graph object changes.
 */
export function useValidation(store: EditorStore): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const run = () => {
      timer = null;
      const graph = store.getState().graph;
      let problems;
      try {
        problems = validate(graph, nodeRegistry);
      } catch (err) {
        problems = [{ severity: 'error' as const, message: `Validation failed: ${err instanceof Error ? err.message : String(err)}` }];
      }
      // A newer edit may have landed while validating; its own timer will follow.
      if (store.getState().graph === graph) store.getState().setProblems(problems);
    };
    run();
    const unsubscribe = store.subscribe((state, prev) => {
      if (state.graph === prev.graph) return;
      if (!state.validating) store.getState().setValidating(true);
      if (timer) clearTimeout(timer);
      timer = setTimeout(run, DEBOUNCE_MS);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [store]);
}
