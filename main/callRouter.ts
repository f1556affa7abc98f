import { UserError } from '../engine/contract/operator.js';
import { BRIDGE_API, type DesktopApi } from '../engine/contract/DesktopApi.js';
import { ENGINE_API } from '../engine/contract/EngineApi.js';
import type { Channel } from '../engine/contract/rpc/Channel.js';
import { pathsOfCall } from '../engine/contract/rpc/checkCall.js';
import { fromService } from '../engine/contract/rpc/fromService.js';
import { toService } from '../engine/contract/rpc/toService.js';
import type { CallResult } from './channels.js';
import { isTrustedSender } from './isTrustedSender.js';
import type { PathGrants } from './pathGrants.js';

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

/** The OS keychain's secrets (main/SecretStore): names for the page, values only for the engine. */
export interface KeychainStore {
  available(): Promise<boolean>;
  names(): string[];
  save(name: string, value: string): Promise<void>;
  delete(name: string): Promise<boolean>;
}

export interface CallRouterDeps {
  /** The app page's URL; only frames showing it may call. */
  appUrl: string;
  /** The engine process (the relay). */
  engine: Channel;
  desktop: DesktopHandlers;
  grants: PathGrants;
  keychain: KeychainStore;
  /**
   * A secret was saved or deleted: hand the engine process the new values (awaited, so a run
   * started right after the save resolves the new value).
   */
  onKeychainChanged?: () => Promise<void>;
  /** A graph file was opened or saved successfully (for Open Recent). */
  onFileUsed?: (path: string) => void;
}

/** One renderer call, answered as data. */
export type CallRoute = (frameUrl: string | null | undefined, method: unknown, args: unknown) => Promise<CallResult>;

/**
 * The trust edge for everything the renderer asks of main: the generic server over
 * `BRIDGE_API`. For each call:
 * 1. the sending frame must show the app's own page;
 * 2. the method and arguments must match their schema;
 * 3. every path it names must be inside a folder the user granted (picked in a dialog, etc.);
 * 4. desktop calls are answered here, EngineApi calls are relayed to the engine process;
 *    keychain calls answer names and never values (those go to the engine process only).
 * The engine process's own calls (`setKeychainSecrets`, `grantFolder`) are not in `BRIDGE_API`,
 * so the page cannot make them.
 * Never throws: failures come back as `{ ok: false, error }` with one sentence.
 */
export function createCallRouter(deps: CallRouterDeps): CallRoute {
  const granted = (path: string | null): string | null => {
    if (path) deps.grants.grantFileFolder(path);
    return path;
  };
  const desktop: DesktopApi = {
    ready: async () => deps.desktop.ready(),
    setTitle: async (name) => deps.desktop.setTitle(name),
    setDirty: async (dirty) => deps.desktop.setDirty(dirty),
    showOpenDialog: async (purpose = 'open') => granted(await deps.desktop.showOpenDialog(purpose)),
    showSaveDialog: async (name, purpose = 'save') => granted(await deps.desktop.showSaveDialog(name, purpose)),
    keychainAvailable: () => deps.keychain.available(),
    listKeychainSecrets: async () => deps.keychain.names(),
    saveKeychainSecret: async (name, value) => {
      await deps.keychain.save(name, value);
      await deps.onKeychainChanged?.();
    },
    deleteKeychainSecret: async (name) => {
      if (await deps.keychain.delete(name)) await deps.onKeychainChanged?.();
    },
  };
  const channel = fromService(
    BRIDGE_API,
    { ...toService(ENGINE_API, deps.engine), ...desktop },
    {
      admit(method, args) {
        for (const path of pathsOfCall(BRIDGE_API, method, args)) {
          if (!deps.grants.allows(path)) {
            throw new UserError(
              `Sluice may only use files in folders you opened; open ${path} with File › Open first.`,
            );
          }
        }
      },
    },
  );
  return async (frameUrl, method, args) => {
    if (!isTrustedSender(frameUrl, deps.appUrl))
      return { ok: false, error: 'Calls are accepted only from the Sluice window.' };
    try {
      const value = await channel.call(method, args);
      if ((method === 'openFile' || method === 'saveFile') && Array.isArray(args)) deps.onFileUsed?.(args[0] as string);
      // Void calls answer null, as data; the page's client resolves them with undefined anyway.
      return { ok: true, value: value ?? null };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  };
}
