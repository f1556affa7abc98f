import type { ApiMethod } from '../engine/index.js';
import type { CallResult } from './channels.js';
import type { DesktopMethod } from './ipcValidation.js';
import { isDesktopMethod, isTrustedSender, validateCall } from './ipcValidation.js';
import type { PathGrants } from './pathGrants.js';
import { pathsOfCall } from './pathGrants.js';

/** The desktop-only calls, answered by main (window title, dirty marker, native dialogs). */
export interface DesktopHandlers {
  /** The page listens for events now (queued menu commands may be delivered). */
  ready(): void;
  setTitle(documentName: string | null): void;
  setDirty(dirty: boolean): void;
  /** A chosen `.sluice.json` path, or null if the user cancelled. */
  showOpenDialog(purpose: 'open' | 'import'): Promise<string | null>;
  showSaveDialog(suggestedName: string | undefined, purpose: 'save' | 'export'): Promise<string | null>;
}

export interface CallRouterDeps {
  /** The app page's URL; only frames showing it may call. */
  appUrl: string;
  engine: { call(method: ApiMethod, args: unknown[]): Promise<unknown> };
  desktop: DesktopHandlers;
  grants: PathGrants;
  /** A graph file was opened or saved successfully (for Open Recent). */
  onFileUsed?: (path: string) => void;
}

/** One renderer call, answered as data. */
export type CallRoute = (frameUrl: string | null | undefined, method: unknown, args: unknown) => Promise<CallResult>;

/**
 * The trust edge for everything the renderer asks of main. For each call:
 * 1. the sending frame must show the app's own page;
 * 2. the method and arguments must match their schema;
 * 3. every path it names must be inside a folder the user granted (picked in a dialog, etc.);
 * 4. desktop calls are answered here, EngineApi calls are relayed to the engine process.
 * Never throws: failures come back as `{ ok: false, error }` with one sentence.
 */
export function createCallRouter(deps: CallRouterDeps): CallRoute {
  return async (frameUrl, method, args) => {
    if (!isTrustedSender(frameUrl, deps.appUrl))
      return { ok: false, error: 'Calls are accepted only from the Sluice window.' };
    const call = validateCall(method, args);
    if (!call.ok) return call;
    for (const path of pathsOfCall(call.method, call.args)) {
      if (!deps.grants.allows(path)) {
        return {
          ok: false,
          error: `Sluice may only use files in folders you opened; open ${path} with File › Open first.`,
        };
      }
    }
    try {
      const value = isDesktopMethod(call.method)
        ? await desktopCall(deps, call.method, call.args)
        : await deps.engine.call(call.method as ApiMethod, call.args);
      if (call.method === 'openFile' || call.method === 'saveFile') deps.onFileUsed?.(call.args[0] as string);
      return { ok: true, value: value ?? null };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  };
}

async function desktopCall(deps: CallRouterDeps, method: DesktopMethod, args: unknown[]): Promise<unknown> {
  switch (method) {
    case 'ready':
      deps.desktop.ready();
      return null;
    case 'setTitle':
      deps.desktop.setTitle(args[0] as string | null);
      return null;
    case 'setDirty':
      deps.desktop.setDirty(args[0] as boolean);
      return null;
    case 'showOpenDialog': {
      const path = await deps.desktop.showOpenDialog((args[0] as 'open' | 'import' | undefined) ?? 'open');
      if (path) deps.grants.grantFileFolder(path);
      return path;
    }
    case 'showSaveDialog': {
      const path = await deps.desktop.showSaveDialog(
        args[0] as string | undefined,
        (args[1] as 'save' | 'export' | undefined) ?? 'save',
      );
      if (path) deps.grants.grantFileFolder(path);
      return path;
    }
  }
}
