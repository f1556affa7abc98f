/// <reference types="electron" />
/**
 * Entry of the engine's Electron utility process (bundled to dist/main/engineProcess.cjs). The
 * engine runs here, off the window's main process, so a heavy graph never freezes the UI and a
 * crash here costs the run, not the window; main restarts this process.
 */
import { EngineService } from '../engine/index.js';
import { parseEngineProcessConfig } from './engineProcessConfig.js';
import { serveEngine } from './engineServer.js';

const config = parseEngineProcessConfig(process.argv);
const service = new EngineService({ roots: config.roots, examplesDir: config.examplesDir });
const port = process.parentPort;

serveEngine(
  {
    postMessage: (message) => port.postMessage(message),
    onMessage: (listener) => port.on('message', (event) => listener(event.data)),
  },
  service,
  (folder) => service.files.addRoot(folder),
);
