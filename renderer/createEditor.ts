import type { EngineApi } from '../engine/contract/EngineApi.js';
import { ActionManager, type ActionContext } from './actions/ActionManager.js';
import { editActions } from './actions/editActions.js';
import { fileActions } from './actions/fileActions.js';
import { runActions } from './actions/runActions.js';
import { viewActions } from './actions/viewActions.js';
import type { Editor, EditorHooks } from './EditorContext.js';
import { createEditorStore, type EditorStore } from './store/createEditorStore.js';

/** What an editor is made of; everything but the engine has a default. */
export interface EditorDeps {
  engine: EngineApi;
  /** A fresh store by default. */
  store?: EditorStore;
  /** Ask the user a yes/no question; `window.confirm` by default. */
  confirm?: (message: string) => boolean;
}

/** Make an editor: a store, the engine, and the action manager with every command registered. */
export function createEditor(deps: EditorDeps): Editor {
  const store = deps.store ?? createEditorStore();
  const hooks: EditorHooks = { flow: null, importInput: null };
  const actionContext: ActionContext = {
    store,
    engine: deps.engine,
    flow: () => hooks.flow,
    confirm: deps.confirm ?? ((message) => window.confirm(message)),
    pickImportFile: () => hooks.importInput?.click(),
  };
  const actions = new ActionManager(actionContext).register(
    ...fileActions,
    ...editActions,
    ...viewActions,
    ...runActions,
  );
  return { store, engine: deps.engine, actions, actionContext, hooks };
}
