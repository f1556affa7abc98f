import { useEffect } from 'react';
import type { EngineApi, GraphSchemas } from '../engine/contract/EngineApi.js';
import type { GraphFile } from '../engine/contract/graphFile.js';
import type { Problem } from '../engine/contract/problem.js';
import { validate } from '../engine/graph/validate.js';
import { nodeRegistry } from '../engine/nodes/registry.js';
import type { EditorStore } from './store/createEditorStore.js';

/** Quiet time after the last edit before validating: fast enough to feel live, slow enough not to run per keystroke. */
const DEBOUNCE_MS = 150;

function hasPathFields(graph: GraphFile): boolean {
  return graph.nodes.some((n) =>
    Object.entries(nodeRegistry.get(n.type)?.config ?? {}).some(
      ([field, schema]) => schema.kind === 'path' && typeof (n.config?.[field] ?? schema.default) === 'string',
    ),
  );
}

function validateHere(graph: GraphFile, schemas: GraphSchemas | null, hasKeychain: boolean): Problem[] {
  try {
    // The web host has no keychain: a `${keychain:…}` is a problem as the run would find it.
    // The desktop's names are main's to know, so there it is checked for form only.
    const problems = validate(graph, nodeRegistry, {
      schemas: schemas?.schemas,
      ...(hasKeychain ? {} : { keychain: 'absent' as const }),
    });
    // A schema file that is broken is the graph's problem too (its contracts cannot be checked).
    for (const p of schemas?.problems ?? []) {
      const place = `schemas/${p.file}${p.line !== undefined ? `:${p.line}:${p.column ?? 1}` : ''}`;
      problems.push({ severity: p.severity, message: `${place}: ${p.message}` });
    }
    return problems;
  } catch (err) {
    return [{ severity: 'error', message: `Validation failed: ${err instanceof Error ? err.message : String(err)}` }];
  }
}

/** How often targets with something to say are read again (see `askTargets`). */
const TARGET_RECHECK_MS = 5000;

/** The sinks with a contract whose targets keep a record (checkWrittenContracts reads them). */
const RECORDING_SINKS = new Set(['sink.sqlite', 'sink.file', 'sink.postgres', 'sink.nats']);

/**
 * What the target check depends on: the graph's name (its state database), its connections and
 * its recording sinks with a contract; '' when it has none. Asked again only when this changes.
 */
function targetKey(graph: GraphFile, filePath: string | null, schemas: GraphSchemas | null): string {
  if (filePath === null || !schemas || schemas.schemas.length === 0) return '';
  const sinks = graph.nodes.filter((n) => RECORDING_SINKS.has(n.type) && typeof n.config?.contract === 'string');
  if (sinks.length === 0) return '';
  return JSON.stringify([filePath, graph.name, graph.connections ?? null, sinks, schemas]);
}

/**
 * Validate as the user draws, debounced, with the engine's own `validate()` (the one the CLI
 * and `run` use), in the page: it parses expressions with acorn and never evaluates them, so it
 * works under the strict Content-Security-Policy of the web host and the desktop app, offline too.
 * Two checks only the host can make are added when they answer: paths outside the opened
 * folders (`checkPaths`), and what the sinks' targets already hold (`checkTargets`: it reads
 * them, so it is asked only when the sinks, their contracts or the schemas change, when a run
 * ends, and every few seconds while it has something to say).
 */
export function useValidation(
  store: EditorStore,
  engine?: Pick<EngineApi, 'checkPaths' | 'checkTargets'>,
  hasKeychain = false,
): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let lastTargetKey = '';
    let targetProblems: Problem[] = [];
    /** Shows the newest validation with the host's answers so far. */
    let showLatest = (): void => undefined;
    let targetTimer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    /**
     * Ask what the sinks' targets hold when what the check depends on changed (or `force`).
     * While a target has something to say, look again every `TARGET_RECHECK_MS`: the user may
     * empty it, a run may write it.
     */
    const askTargets = (force: boolean): void => {
      const s = store.getState();
      const key = targetKey(s.graph, s.filePath, s.schemas);
      if (!force && key === lastTargetKey) return;
      if (key !== lastTargetKey) targetProblems = [];
      lastTargetKey = key;
      if (targetTimer) clearTimeout(targetTimer);
      targetTimer = null;
      if (key === '' || !engine || s.filePath === null) return;
      engine.checkTargets({ graph: s.graph, path: s.filePath }).then(
        (found) => {
          if (stopped || lastTargetKey !== key) return;
          const changed = JSON.stringify(found) !== JSON.stringify(targetProblems);
          targetProblems = found;
          if (changed) showLatest();
          if (found.length > 0) targetTimer = setTimeout(() => askTargets(true), TARGET_RECHECK_MS);
        },
        () => undefined,
      );
    };
    const run = () => {
      timer = null;
      const s = store.getState();
      const graph = s.graph;
      const local = validateHere(graph, s.schemas, hasKeychain);
      let paths: Problem[] = [];
      const show = (): void => {
        if (store.getState().graph === graph) store.getState().setProblems([...local, ...paths, ...targetProblems]);
      };
      showLatest = show;
      askTargets(false); // first: a changed key drops the old answer before it is shown
      show();
      if (!engine) return;
      // Paths outside the opened folders only the host can see: asked for when there are
      // paths, and added if the graph is still the one asked about.
      if (hasPathFields(graph)) {
        const where = s.filePath ? { path: s.filePath } : s.templateId ? { template: s.templateId } : {};
        engine.checkPaths({ graph, ...where }).then(
          (more) => {
            paths = more;
            if (more.length > 0) show();
          },
          () => undefined,
        );
      }
    };
    run();
    const unsubscribe = store.subscribe((state, prev) => {
      // A run that ended may have written the targets.
      if (state.runPhase !== prev.runPhase && state.runPhase === 'ended') askTargets(true);
      if (state.graph === prev.graph && state.schemas === prev.schemas) return;
      if (!state.validating) store.getState().setValidating(true);
      if (timer) clearTimeout(timer);
      timer = setTimeout(run, DEBOUNCE_MS);
    });
    return () => {
      stopped = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
      if (targetTimer) clearTimeout(targetTimer);
    };
  }, [store, hasKeychain]);
}
