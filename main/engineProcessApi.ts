import { ENGINE_API, ENGINE_API_VERSION } from '../engine/contract/EngineApi.js';
import type { EngineApi, RunEvent } from '../engine/contract/EngineApi.js';
import { path } from '../engine/contract/rpc/check.js';
import { fromService } from '../engine/contract/rpc/fromService.js';
import { voidMethod, type ServiceOf } from '../engine/contract/rpc/method.js';
import { servePort } from '../engine/contract/rpc/servePort.js';
import type { MessagePortLike, ServerMessage } from '../engine/contract/rpc/wireProtocol.js';

/**
 * What main asks of the engine's utility process: every `EngineApi` method, plus one that only
 * the desktop needs: the user granted a folder (picked a file in a dialog), so the engine's
 * file policy must allow it too.
 */
export const ENGINE_PROCESS_API = {
  ...ENGINE_API,
  /** Let the engine's file policy reach `folder` (and below it). */
  grantFolder: voidMethod<(folder: string) => Promise<void>>(['folder', path]),
};

/** The engine process's service: the engine, and the folder grant. */
export type EngineProcessService = ServiceOf<typeof ENGINE_PROCESS_API> & Pick<EngineApi, 'subscribe'>;

/**
 * Serve the engine process's API on its port to main: the generic port server, whose messages
 * Electron structured-clones. Main is trusted, but the calls are checked again here, as at
 * every trust edge, with the same schema. Returns where the port's messages go.
 */
export function serveEngineProcess(
  port: MessagePortLike<ServerMessage<RunEvent>>,
  service: EngineProcessService,
  log: (line: string) => void = (line) => console.error(line),
): (message: unknown) => void {
  const server = servePort<RunEvent>(port, {
    channel: fromService(ENGINE_PROCESS_API, service),
    version: ENGINE_API_VERSION,
    events: (listener) => service.subscribe(listener),
    // Main says hello as it spawns the process; a run event must not be lost meanwhile.
    eventsBeforeHello: true,
    log,
  });
  return (message) => server.receive(message);
}
