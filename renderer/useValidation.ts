import { useEffect } from 'react';
import type { EngineApi } from '../engine/contract/EngineApi.js';
import type { GraphFile } from '../engine/contract/graphFile.js';
import type { Problem } from '../engine/contract/problem.js';
import { validate } from '../engine/graph/validate.js';
import { nodeRegistry } from '../engine/nodes/registry.js';
import { canEvaluateCode } from './canEvaluateCode.js';
import type { EditorStore } from './store/createEditorStore.js';

/** Quiet time after the last edit before validating: fast enough to feel live, slow enough not to run per keystroke. */
const DEBOUNCE_MS = 150;

/** A problem that only says the page may not compile code (CSP), not that the code is wrong. */
const isEvalRefusal = (p: Problem) => /Content Security Policy|unsafe-eval|EvalError/i.test(p.message);

function validateHere(graph: GraphFile): Problem[] {
  try {
    return validate(graph, nodeRegistry);
  } catch (err) {
    return [{ severity: 'error', message: `Validation failed: ${err instanceof Error ? err.message : String(err)}` }];
  }
}

/**
 * Validate as the user draws, debounced, with the engine's own `validate()` (the one the CLI
 * and `run` use).
 *
 * 1. Where the page may compile code, validate in the page: instant, works offline.
 * 2. Where the CSP forbids it (web host, desktop), show the in-page result at once without its
 *    "cannot evaluate" noise, then replace it with the engine's answer over EngineApi, which
 *    also checks the expressions. Offline, the in-page result stays.
 * 3. A result for a graph that has since changed is dropped; the newer change's run follows.
 */
export function useValidation(store: EditorStore, engine: EngineApi): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const run = () => {
      timer = null;
      const graph = store.getState().graph;
      const local = validateHere(graph);
      if (canEvaluateCode()) {
        store.getState().setProblems(local);
        return;
      }
      const withoutNoise = local.filter((p) => !isEvalRefusal(p));
      store.getState().setProblems(withoutNoise);
      store.getState().setValidating(true);
      engine.validate(graph).then(
        (problems) => {
          if (store.getState().graph === graph) store.getState().setProblems(problems);
        },
        () => {
          if (store.getState().graph === graph) store.getState().setProblems(withoutNoise);
        },
      );
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
  }, [store, engine]);
}
