import { ForwardingEngineApi } from './ForwardingEngineApi.js';
import type { RunEvent, Unsubscribe } from '../../engine/contract/EngineApi.js';

/**
 * Menu commands the desktop app sends (File, Edit, Run, View, Help). Mirrors main's
 * `MENU_COMMANDS`; the contract test keeps the two lists equal, since the renderer may not
 * import main.
 */
export type MenuCommand =
  | 'file.new'
  | 'file.open'
  | 'file.save'
  | 'file.saveAs'
  | 'file.import'
  | 'file.export'
  | 'file.close'
  | 'edit.undo'
  | 'edit.redo'
  | 'run.start'
  | 'run.stop'
  | 'view.fit'
  | 'view.zoomIn'
  | 'view.zoomOut'
  | 'view.togglePalette'
  | 'view.toggleInspector'
  | 'view.toggleRunPanel'
  | 'help.shortcuts';

/**
 * A menu item was chosen. `path` is set for `file.open` and `file.import` (main already asked
 * the user with a native dialog, or the file came from Open Recent or the command line).
 */
export interface MenuCommandEvent {
  type: 'menuCommand';
  command: MenuCommand;
  path?: string;
}

/** What arrives on the bridge: run events and menu commands. */
export type BridgeEvent = RunEvent | MenuCommandEvent;

/** `window.sluice`, exposed by the Electron preload. */
export interface SluiceBridge {
  call(method: string, args: unknown[]): Promise<unknown>;
  onEvent(listener: (event: BridgeEvent) => void): () => void;
}

/** The desktop bridge if this page runs inside the Electron app, else null (use the WebSocket client). */
export function desktopBridge(): SluiceBridge | null {
  const candidate = (globalThis as { sluice?: unknown }).sluice;
  if (typeof candidate !== 'object' || candidate === null) return null;
  const b = candidate as Partial<SluiceBridge>;
  return typeof b.call === 'function' && typeof b.onEvent === 'function' ? (candidate as SluiceBridge) : null;
}

/**
 * `EngineApi` over Electron IPC (the preload's `window.sluice`), plus the calls only the desktop
 * has: window title, dirty marker, native file dialogs and menu commands. Errors reject with
 * main's or the engine's one-sentence message.
 */
export class IpcEngineClient extends ForwardingEngineApi {
  private readonly runListeners = new Set<(event: RunEvent) => void>();
  private readonly menuListeners = new Set<(event: MenuCommandEvent) => void>();
  private detach: (() => void) | null = null;

  constructor(private readonly bridge: SluiceBridge) {
    super();
  }

  subscribe(listener: (event: RunEvent) => void): Unsubscribe {
    this.runListeners.add(listener);
    this.attach();
    return () => {
      this.runListeners.delete(listener);
      this.maybeDetach();
    };
  }

  /** Desktop only: the document shown in the window title (its file name, or null for Untitled). */
  async setTitle(documentName: string | null): Promise<void> {
    await this.call('setTitle', [documentName]);
  }

  /** Desktop only: unsaved changes exist (title marker, and a prompt when the window closes). */
  async setDirty(dirty: boolean): Promise<void> {
    await this.call('setDirty', [dirty]);
  }

  /** Desktop only: the native Open dialog; the chosen path, or null if cancelled. */
  showOpenDialog(purpose: 'open' | 'import' = 'open'): Promise<string | null> {
    return this.call('showOpenDialog', [purpose]);
  }

  /** Desktop only: the native Save dialog; the chosen `.sluice.json` path, or null if cancelled. */
  showSaveDialog(suggestedName?: string, purpose: 'save' | 'export' = 'save'): Promise<string | null> {
    return this.call('showSaveDialog', [suggestedName ?? null, purpose]);
  }

  /**
   * Desktop only: menu commands. After `file.save` the app expects `setDirty(false)` once the
   * save succeeded (a Save chosen in the close prompt closes the window then).
   */
  onMenuCommand(listener: (event: MenuCommandEvent) => void): Unsubscribe {
    this.menuListeners.add(listener);
    this.attach();
    return () => {
      this.menuListeners.delete(listener);
      this.maybeDetach();
    };
  }

  protected send(method: string, args: unknown[]): Promise<unknown> {
    return this.bridge.call(method, args);
  }

  private call<T>(method: string, args: unknown[]): Promise<T> {
    return this.send(method, args) as Promise<T>;
  }

  /** One bridge listener fans out to every subscriber, so events are not copied per listener across the context bridge. */
  private attach(): void {
    if (this.detach) return;
    this.detach = this.bridge.onEvent((event) => {
      if (event.type === 'menuCommand') for (const l of [...this.menuListeners]) l(event);
      else for (const l of [...this.runListeners]) l(event);
    });
  }

  private maybeDetach(): void {
    if (this.runListeners.size === 0 && this.menuListeners.size === 0 && this.detach) {
      this.detach();
      this.detach = null;
    }
  }
}
