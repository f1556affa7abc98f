import type { ReactFlowInstance } from '@xyflow/react';
import type { EngineApi } from '../engine/contract/EngineApi.js';
import { ActionManager, type ActionContext } from './actions/ActionManager.js';
import { editActions } from './actions/editActions.js';
import { fileActions } from './actions/fileActions.js';
import { runActions } from './actions/runActions.js';
import { viewActions } from './actions/viewActions.js';
import type { EditorServices } from './EditorContext.js';
import type { EditorStore } from './store/createEditorStore.js';
import type { SluiceFlowEdge, SluiceFlowNode } from './store/selectors.js';

/** Mutable hooks the mounted UI fills in (the canvas instance, the import file input). */
export interface ServiceHooks {
  flow: ReactFlowInstance<SluiceFlowNode, SluiceFlowEdge> | null;
  importInput: HTMLInputElement | null;
}

/** Wire the action manager to a store and an engine; every command is registered here. */
export function createEditorServices(store: EditorStore, engine: EngineApi): EditorServices & { hooks: ServiceHooks } {
  const hooks: ServiceHooks = { flow: null, importInput: null };
  const actionContext: ActionContext = {
    store,
    engine,
    flow: () => hooks.flow,
    confirm: (message) => window.confirm(message),
    pickImportFile: () => hooks.importInput?.click(),
  };
  const actions = new ActionManager(actionContext).register(
    ...fileActions,
    ...editActions,
    ...viewActions,
    ...runActions,
  );
  return { actions, engine, actionContext, hooks };
}
