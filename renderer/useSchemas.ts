import { useEffect } from 'react';
import type { Editor } from './EditorContext.js';

/** How often the schemas/ folder of a saved graph is read again: edits there re-validate. */
const POLL_MS = 2000;

/**
 * Keep `schemas` in the store in step with the `schemas/` folder beside the saved graph (SPEC
 * §11): read when the graph's file changes and every `POLL_MS` after (a folder read, cheap; the
 * web host has no file watching), replaced only when what was read differs, so validation runs
 * again only then. An unsaved graph has no schemas.
 */
export function useSchemas(editor: Editor): void {
  useEffect(() => {
    const { store, engine } = editor;
    let stopped = false;
    let last = '';
    let timer: ReturnType<typeof setTimeout> | null = null;
    const load = async (): Promise<void> => {
      const path = store.getState().filePath;
      let next = null;
      if (path !== null) {
        try {
          next = await engine.loadSchemas(path);
        } catch {
          next = null; // the engine is away or the folder is unreadable: no contracts to check
        }
      }
      if (stopped || store.getState().filePath !== path) return;
      const text = next === null ? '' : JSON.stringify(next);
      if (text !== last) {
        last = text;
        store.getState().setSchemas(next);
      }
    };
    const tick = (): void => {
      void load().finally(() => {
        if (!stopped) timer = setTimeout(tick, POLL_MS);
      });
    };
    tick();
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.filePath !== prev.filePath) void load();
    });
    return () => {
      stopped = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [editor]);
}
