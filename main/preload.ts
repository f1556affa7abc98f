/**
 * The preload: runs sandboxed and context-isolated, and exposes exactly `window.sluice`
 * (`call`, `onEvent`). Bundled to dist/main/preload.cjs; only `electron` is external, which a
 * sandboxed preload may require.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './preloadBridge.js';

contextBridge.exposeInMainWorld('sluice', createBridge(ipcRenderer));
