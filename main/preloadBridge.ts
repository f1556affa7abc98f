import { CALL_CHANNEL, EVENT_CHANNEL } from './channels.js';
import type { BridgeEvent, CallResult } from './channels.js';

/** The part of `ipcRenderer` the bridge uses (passed in so the bridge is testable without Electron). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * `window.sluice`: the whole surface the page gets. Two functions and no Electron objects, so
 * the page can never reach `ipcRenderer` itself (checklist item 20).
 */
export interface SluiceBridge {
  /** Call an EngineApi or desktop method; rejects with main's one-sentence error. */
  call(method: string, args: unknown[]): Promise<unknown>;
  /** Receive run events and menu commands; returns an unsubscribe function. */
  onEvent(listener: (event: BridgeEvent) => void): () => void;
}

/** Build the bridge over an `ipcRenderer`. Only the `sluice:` channels are ever used. */
export function createBridge(ipc: IpcRendererLike): SluiceBridge {
  let announced = false;
  return {
    async call(method, args) {
      const result = (await ipc.invoke(CALL_CHANNEL, method, args)) as CallResult;
      if (!result.ok) throw new Error(result.error);
      return result.value;
    },
    onEvent(listener) {
      // The IPC event object carries the sender and ports; the page gets only the payload.
      const handler = (_event: unknown, payload: unknown): void => listener(payload as BridgeEvent);
      ipc.on(EVENT_CHANNEL, handler);
      if (!announced) {
        // Main holds menu commands (files from the command line) until someone listens.
        announced = true;
        void ipc.invoke(CALL_CHANNEL, 'ready', []);
      }
      return () => {
        ipc.removeListener(EVENT_CHANNEL, handler);
      };
    },
  };
}
