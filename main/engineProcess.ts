/// <reference types="electron" />
/**
 * Entry of the engine's Electron utility process (bundled to dist/main/engineProcess.cjs). The
 * engine runs here, off the window's main process, so a heavy graph never freezes the UI and a
 * crash here costs the run, not the window; main restarts this process.
 */
import { EngineService } from '../engine/index.js';
import { parseEngineProcessConfig } from './engineProcessConfig.js';
import { serveEngineProcess } from './engineProcessApi.js';

/** The OS keychain's secrets as main last handed them over (in memory only, never written). */
let keychain: Readonly<Record<string, string>> = {};

/** The engine, plus the folder grants main passes on from its dialogs, and the keychain. */
class EngineProcessService extends EngineService {
  async grantFolder(folder: string): Promise<void> {
    this.files.addRoot(folder);
  }
  async setKeychainSecrets(secrets: Record<string, string>): Promise<void> {
    keychain = { ...secrets };
  }
}

const config = parseEngineProcessConfig(process.argv);
const service = new EngineProcessService({
  roots: config.roots,
  examplesDir: config.examplesDir,
  ...(config.dataDir !== undefined ? { dataDir: config.dataDir } : {}),
  keychain: () => keychain,
});
const port = process.parentPort;
const receive = serveEngineProcess({ send: (message) => port.postMessage(message) }, service);
port.on('message', (event) => receive(event.data));
