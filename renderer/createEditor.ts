import type { KeychainApi } from '../engine/contract/DesktopApi.js';
import type { EngineApi } from '../engine/contract/EngineApi.js';
import { ActionManager, type ActionContext } from './actions/ActionManager.js';
import { debugActions } from './actions/debugActions.js';
import { editActions } from './actions/editActions.js';
import { fileActions } from './actions/fileActions.js';
import { organiseActions } from './actions/organiseActions.js';
import { runActions } from './actions/runActions.js';
import { viewActions } from './actions/viewActions.js';
import type { Editor, EditorHooks } from './EditorContext.js';
import { downloadText } from './files/downloadText.js';
import { createEditorStore, type EditorStore } from './store/createEditorStore.js';

/** What an editor is made of; everything but the engine defaults to the browser's own. */
export interface EditorDeps extends Partial<
  Pick<ActionContext, 'confirm' | 'afterPaint' | 'clipboard' | 'storage' | 'download'>
> {
  engine: EngineApi;
  /** The desktop app's keychain calls; none (the web host) by default. */
  keychain?: KeychainApi | null;
  /** A fresh store by default. */
  store?: EditorStore;
}

/**
 * Make an editor: a store, the engine, and the action manager with every command registered.
 * The page passes only the engine; tests pass fakes for the rest (TestEditor).
 */
export function createEditor(deps: EditorDeps): Editor {
  const store = deps.store ?? createEditorStore();
  const hooks: EditorHooks = { flow: null, importInput: null };
  const actionContext: ActionContext = {
    store,
    engine: deps.engine,
    flow: () => hooks.flow,
    pickImportFile: () => hooks.importInput?.click(),
    confirm: deps.confirm ?? ((message) => window.confirm(message)),
    afterPaint: deps.afterPaint ?? ((fn) => void requestAnimationFrame(() => fn())),
    clipboard: deps.clipboard ?? {
      readText: () => navigator.clipboard.readText(),
      writeText: (text) => navigator.clipboard.writeText(text),
    },
    // Looked up on each use: a page with storage disabled throws there, and the callers expect that.
    storage: deps.storage ?? {
      getItem: (key) => localStorage.getItem(key),
      setItem: (key, value) => localStorage.setItem(key, value),
    },
    download: deps.download ?? downloadText,
  };
  const actions = new ActionManager(actionContext).register(
    ...fileActions,
    ...editActions,
    ...viewActions,
    ...runActions,
    ...debugActions,
    ...organiseActions,
  );
  return { store, engine: deps.engine, keychain: deps.keychain ?? null, actions, actionContext, hooks };
}
