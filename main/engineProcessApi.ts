import { ENGINE_API, ENGINE_API_VERSION } from '../engine/contract/EngineApi.js';
import type { EngineApi, RunEvent } from '../engine/contract/EngineApi.js';
import { KEYCHAIN_NAME, MAX_KEYCHAIN_NAME, MAX_SECRET_LENGTH } from '../engine/contract/keychain.js';
import { kindOf, path, type Check } from '../engine/contract/rpc/check.js';
import { fromService } from '../engine/contract/rpc/fromService.js';
import { voidMethod, type ServiceOf } from '../engine/contract/rpc/method.js';
import { servePort } from '../engine/contract/rpc/servePort.js';
import type { MessagePortLike, ServerMessage } from '../engine/contract/rpc/wireProtocol.js';

/** Secrets at most in one hand-over: far more than anyone keeps, few enough to bound a message. */
export const MAX_KEYCHAIN_SECRETS = 1000;

/** Name → secret, each name a keychain name and each secret a string of bounded length. */
const keychainSecrets: Check<Record<string, string>> = {
  problem: (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return `must be an object, not ${kindOf(v)}`;
    const entries = Object.entries(v);
    if (entries.length > MAX_KEYCHAIN_SECRETS) return `holds more than ${MAX_KEYCHAIN_SECRETS} secrets`;
    for (const [name, secret] of entries) {
      if (name.length > MAX_KEYCHAIN_NAME || !KEYCHAIN_NAME.test(name)) return 'has a name that is no keychain name';
      if (typeof secret !== 'string' || secret.length > MAX_SECRET_LENGTH)
        return 'has a secret that is no string of at most 16384 characters';
    }
    return null;
  },
};

/**
 * What main asks of the engine's utility process: every `EngineApi` method, plus two that only
 * the desktop needs: the user granted a folder (picked a file in a dialog), so the engine's
 * file policy must allow it too; and the OS keychain's secrets, which runs resolve
 * `${keychain:NAME}` from. Neither is in `BRIDGE_API`: the page can make neither call.
 */
export const ENGINE_PROCESS_API = {
  ...ENGINE_API,
  /** Let the engine's file policy reach `folder` (and below it). */
  grantFolder: voidMethod<(folder: string) => Promise<void>>(['folder', path]),
  /** The keychain's secrets, name → value, replacing those given before (main decrypts them). */
  setKeychainSecrets: voidMethod<(secrets: Record<string, string>) => Promise<void>>(['secrets', keychainSecrets]),
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
