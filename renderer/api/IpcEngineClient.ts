import type { BridgeEvent, MenuCommandEvent, SluiceBridge } from '../../engine/contract/DesktopApi.js';
import { BRIDGE_API } from '../../engine/contract/DesktopApi.js';
import type { RunEvent, Unsubscribe } from '../../engine/contract/EngineApi.js';
import { serviceClient } from '../../engine/contract/rpc/toService.js';

export type { BridgeEvent, MenuCommand, MenuCommandEvent, SluiceBridge } from '../../engine/contract/DesktopApi.js';

/** The desktop bridge if this page runs inside the Electron app, else null (use the WebSocket client). */
export function desktopBridge(): SluiceBridge | null {
  const candidate = (globalThis as { sluice?: unknown }).sluice;
  if (typeof candidate !== 'object' || candidate === null) return null;
  const b = candidate as Partial<SluiceBridge>;
  return typeof b.call === 'function' && typeof b.onEvent === 'function' ? (candidate as SluiceBridge) : null;
}

/**
 * `EngineApi` over Electron IPC (the preload's `window.sluice`), plus the calls only the desktop
 * has (`DESKTOP_API`: window title, dirty marker, native file dialogs) and menu commands. Every
 * method comes from `BRIDGE_API`; errors reject with main's or the engine's one sentence.
 */
export class IpcEngineClient extends serviceClient(BRIDGE_API) {
  private readonly runListeners = new Set<(event: RunEvent) => void>();
  private readonly menuListeners = new Set<(event: MenuCommandEvent) => void>();
  private detach: (() => void) | null = null;

  constructor(private readonly bridge: SluiceBridge) {
    super();
  }

  subscribe(listener: (event: RunEvent) => void): Unsubscribe {
    return this.listen(this.runListeners, listener);
  }

  /**
   * Desktop only: menu commands. After `file.save` the app expects `setDirty(false)` once the
   * save succeeded (a Save chosen in the close prompt closes the window then).
   */
  onMenuCommand(listener: (event: MenuCommandEvent) => void): Unsubscribe {
    return this.listen(this.menuListeners, listener);
  }

  protected send(method: string, args: unknown[]): Promise<unknown> {
    return this.bridge.call(method, args);
  }

  /**
   * Add `listener` to `set`. One bridge listener fans out to every subscriber, so events are
   * not copied per listener across the context bridge; it goes when the last subscriber does.
   */
  private listen<E>(set: Set<(event: E) => void>, listener: (event: E) => void): Unsubscribe {
    set.add(listener);
    this.detach ??= this.bridge.onEvent((event: BridgeEvent) => {
      if (event.type === 'menuCommand') for (const l of [...this.menuListeners]) l(event);
      else for (const l of [...this.runListeners]) l(event);
    });
    return () => {
      set.delete(listener);
      if (this.runListeners.size === 0 && this.menuListeners.size === 0 && this.detach) {
        this.detach();
        this.detach = null;
      }
    };
  }
}
