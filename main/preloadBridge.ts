import type { BridgeEvent, SluiceBridge } from '../engine/contract/DesktopApi.js';
import { CALL_CHANNEL, EVENT_CHANNEL } from './channels.js';
import type { CallResult } from './channels.js';

export type { SluiceBridge } from '../engine/contract/DesktopApi.js';

/** The part of `ipcRenderer` the bridge uses (passed in so the bridge is testable without Electron). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * `window.sluice` over an `ipcRenderer`: two functions and no Electron objects, so the page can
 * never reach `ipcRenderer` itself (checklist item 20). Only the `sluice:` channels are used.
 */
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
