import { createContext, useContext } from 'react';
import type { EngineApi } from '../engine/contract/EngineApi.js';
import type { ActionContext, ActionManager } from './actions/ActionManager.js';

/** What components need besides the store: the command manager and the engine. */
export interface EditorServices {
  actions: ActionManager;
  engine: EngineApi;
  /** The same context actions get (for components that call document I/O helpers). */
  actionContext: ActionContext;
}

export const EditorContext = createContext<EditorServices | null>(null);

export function useEditorServices(): EditorServices {
  const services = useContext(EditorContext);
  if (!services) throw new Error('EditorContext is missing');
  return services;
}
