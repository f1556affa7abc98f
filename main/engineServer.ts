import type { ClientMessage, EngineApi, HostMessage } from '../engine/index.js';
import { isEngineMethod } from './ipcValidation.js';
import { PROTOCOL_VERSION } from './protocolVersion.js';

/**
 * Main → engine messages: the wire protocol's, plus one the desktop needs: the user granted a
 * folder (picked a file in a dialog), so the engine's file policy must allow it too.
 */
export type EngineProcessMessage = ClientMessage | { type: 'grantFolder'; folder: string };

/** The engine process's end of its channel to main (Electron's `parentPort`, or an in-memory pair in tests). */
export interface HostPort {
  postMessage(message: HostMessage): void;
  onMessage(listener: (message: unknown) => void): void;
}

/**
 * Answer EngineApi calls arriving on `port` with the wire protocol's messages, and forward every
 * run event. Runs inside the engine's utility process. Main has already validated each call at
 * the renderer's trust edge; this end only refuses what is not a call at all.
 */
export function serveEngine(port: HostPort, api: EngineApi, grantFolder?: (folder: string) => void): () => void {
  const unsubscribe = api.subscribe((event) => port.postMessage({ type: 'event', event }));
  port.onMessage((raw) => {
    const message = raw as EngineProcessMessage;
    if (typeof message !== 'object' || message === null) return;
    if (message.type === 'grantFolder') {
      if (typeof message.folder === 'string') grantFolder?.(message.folder);
      return;
    }
    if (message.type === 'hello') {
      port.postMessage({ type: 'welcome', version: PROTOCOL_VERSION });
      return;
    }
    if (message.type !== 'call') return;
    const { id, method, args } = message;
    if (!isEngineMethod(method) || !Array.isArray(args)) {
      port.postMessage({ type: 'result', id, ok: false, error: `Unknown method ${String(method)}.` });
      return;
    }
    void invoke(api, method, args).then(
      (value) => port.postMessage({ type: 'result', id, ok: true, value }),
      (error: unknown) => port.postMessage({ type: 'result', id, ok: false, error: messageOf(error) }),
    );
  });
  return unsubscribe;
}

async function invoke(api: EngineApi, method: string, args: unknown[]): Promise<unknown> {
  const fn = (api as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method];
  if (typeof fn !== 'function') throw new Error(`The engine has no method ${method}.`);
  // `undefined` does not survive structured clone inside an array the same way everywhere; normalise to null.
  const value = await fn.apply(api, args);
  return value === undefined ? null : value;
}

/** The user-facing sentence of an error: its message, never its stack. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'The engine failed without saying why.';
}
