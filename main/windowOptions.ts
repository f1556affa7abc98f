import type { BrowserWindowConstructorOptions } from 'electron';

/** Where and how big the window opens (from windowState.ts). */
export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

/**
 * The main window's options. Pure data, so every security setting is pinned by a test:
 * context isolation, the renderer sandbox, no Node in the page or its frames and workers, web
 * security on, no insecure content, no experimental or Blink features, no `<webview>`.
 */
export function windowOptions(input: {
  preloadPath: string;
  bounds: WindowBounds;
  iconPath?: string;
}): BrowserWindowConstructorOptions {
  return {
    ...input.bounds,
    minWidth: 800,
    minHeight: 500,
    title: 'Sluice',
    // Shown on 'ready-to-show' so the user never sees a blank white frame.
    show: false,
    backgroundColor: '#1e1f24',
    ...(input.iconPath ? { icon: input.iconPath } : {}),
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: true,
    },
  };
}
