/**
 * Electron main process (bundled to dist/main/main.cjs). Thin wiring only: every decision it
 * makes is a pure function in a sibling file with tests. It opens the window, serves the app
 * page, hosts the engine in a utility process, and binds one validated IPC channel.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  utilityProcess,
} from 'electron';
import type { IpcMainInvokeEvent } from 'electron';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, APP_URL, mimeTypeOf, resolveAppFile } from './appProtocol.js';
import { filesFromArgv } from './argvFiles.js';
import { createCallRouter } from './callRouter.js';
import type { BridgeEvent, MenuCommand } from '../engine/contract/DesktopApi.js';
import { CALL_CHANNEL, EVENT_CHANNEL } from './channels.js';
import { closeChoice, closePromptOptions } from './closePrompt.js';
import { buildCsp, withCsp } from './csp.js';
import { EngineRelay } from './EngineRelay.js';
import { engineConfigArg } from './engineProcessConfig.js';
import { openDialogOptions, saveDialogOptions, withGraphExtension } from './fileDialogs.js';
import { menuTemplate } from './menuTemplate.js';
import { SQLITE_BINDING_ENV, sqliteBindingPath } from './nativeBinding.js';
import { guardNavigation, isSafeExternalUrl } from './navigationGuard.js';
import { notificationFromEvent } from './notificationRequest.js';
import { showNotification } from './notify.js';
import { PathGrants } from './pathGrants.js';
import { applyPermissionPolicy } from './permissions.js';
import { addRecent, parseRecent } from './recentFiles.js';
import { safeStorageCipher } from './safeStorageCipher.js';
import { SECRETS_FILE, SecretStore } from './SecretStore.js';
import { loadWindowState, saveWindowState } from './windowState.js';
import { windowOptions } from './windowOptions.js';
import { windowTitle } from './windowTitle.js';

const DOCS_URL = 'https://github.com/sluice-dev/sluice#readme';

// dist/main/*.cjs → the app root (the repo in development, app.asar when packaged).
const appRoot = app.getAppPath();
const rendererDir = join(appRoot, 'dist', 'renderer');
const examplesDir = app.isPackaged ? join(process.resourcesPath, 'examples') : join(appRoot, 'assets', 'examples');
const iconPath = join(appRoot, 'assets', 'icons', 'icon.png');

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

const readJson = (file: string): unknown => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
};
const writeJson = (file: string, data: unknown): void => {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(data, null, 2));
  } catch {
    // Remembering the window or recent files is a convenience; never fail the app over it.
  }
};

let win: BrowserWindow | null = null;
let documentName: string | null = null;
let dirty = false;
/** Set when the user chose Save in the close prompt: the next `setDirty(false)` closes the window. */
let closeAfterSave = false;
let forceClose = false;
/** Events for a renderer that has not attached its listener yet (files from argv at launch). */
let rendererReady = false;
const queued: BridgeEvent[] = [];

// Folders the user picked; the engine's file policy gets the same list (relay.grantFolder).
const grants = new PathGrants((folder) => relay.grantFolder(folder));
const recentFile = (): string => join(app.getPath('userData'), 'recent.json');
const stateFile = (): string => join(app.getPath('userData'), 'window-state.json');
let recent: string[] = [];
// `${keychain:NAME}` secrets: encrypted by the OS keychain (safeStorage) in userData; made on
// first use, after 'ready', which safeStorage needs.
let secretStore: SecretStore | null = null;
const secrets = (): SecretStore =>
  (secretStore ??= new SecretStore(
    join(app.getPath('userData'), SECRETS_FILE),
    safeStorageCipher(safeStorage, process.platform),
  ));

function send(event: BridgeEvent): void {
  if (!win || win.isDestroyed() || !rendererReady) {
    if (event.type === 'menuCommand') queued.push(event);
    return;
  }
  win.webContents.send(EVENT_CHANNEL, event);
}

function sendCommand(command: MenuCommand, path?: string): void {
  // Any new command supersedes a Save chosen in the close prompt that did not complete.
  closeAfterSave = false;
  send(path ? { type: 'menuCommand', command, path } : { type: 'menuCommand', command });
}

function rememberFile(path: string): void {
  grants.grantFileFolder(path);
  recent = addRecent(recent, path);
  writeJson(recentFile(), recent);
  app.addRecentDocument(path);
  buildMenu();
}

function openPath(path: string, command: 'file.open' | 'file.import' = 'file.open'): void {
  rememberFile(path);
  if (!win) createWindow();
  sendCommand(command, path);
  win?.show();
  win?.focus();
}

async function askForFile(purpose: 'open' | 'import'): Promise<string | null> {
  const options = openDialogOptions(purpose, recent[0] ? dirname(recent[0]) : undefined);
  const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

async function askForSavePath(suggestedName: string | undefined, purpose: 'save' | 'export'): Promise<string | null> {
  const options = saveDialogOptions(purpose, suggestedName, recent[0] ? dirname(recent[0]) : app.getPath('documents'));
  const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
  return result.canceled || !result.filePath ? null : withGraphExtension(result.filePath);
}

function buildMenu(): void {
  const template = menuTemplate({
    platform: process.platform,
    recentFiles: recent,
    isPackaged: app.isPackaged,
    actions: {
      send: (command) => sendCommand(command),
      open: (purpose) => {
        void askForFile(purpose).then(
          (path) => path && openPath(path, purpose === 'open' ? 'file.open' : 'file.import'),
        );
      },
      openRecent: (path) => openPath(path),
      clearRecent: () => {
        recent = [];
        writeJson(recentFile(), recent);
        app.clearRecentDocuments();
        buildMenu();
      },
      openDocs: () => void shell.openExternal(DOCS_URL),
    },
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function updateTitle(): void {
  if (!win) return;
  win.setTitle(windowTitle(documentName, dirty, process.platform));
  if (process.platform === 'darwin') win.setDocumentEdited(dirty);
}

const relay = new EngineRelay({
  spawn: () => {
    const binding = sqliteBindingPath({ env: process.env, isPackaged: app.isPackaged, appRoot, exists: existsSync });
    const child = utilityProcess.fork(
      join(__dirname, 'engineProcess.cjs'),
      [engineConfigArg({ roots: grants.list(), examplesDir, dataDir: app.getPath('userData') })],
      {
        serviceName: 'Sluice Engine',
        stdio: 'inherit',
        env: { ...process.env, ...(binding ? { [SQLITE_BINDING_ENV]: binding } : {}) },
      },
    );
    return {
      postMessage: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', listener),
      kill: () => child.kill(),
    };
  },
  keychain: async () => {
    try {
      const opened = await secrets().values();
      if (opened.unreadable.length > 0) {
        send({
          type: 'logged',
          runId: '',
          nodeId: null,
          level: 'warn',
          message: `The keychain could not decrypt ${opened.unreadable.join(', ')}; save ${opened.unreadable.length === 1 ? 'it' : 'them'} again in the Connections panel.`,
        });
      }
      return opened.values;
    } catch (err) {
      send({ type: 'logged', runId: '', nodeId: null, level: 'error', message: (err as Error).message });
      return {};
    }
  },
  onEvent: (event) => {
    const notification = notificationFromEvent(event);
    if (notification) showNotification(notification);
    send(event);
  },
});

const route = createCallRouter({
  appUrl: APP_URL,
  engine: relay,
  grants,
  get keychain() {
    return secrets();
  },
  onKeychainChanged: () => relay.keychainChanged(),
  onFileUsed: (path) => rememberFile(path),
  desktop: {
    ready: () => {
      rendererReady = true;
      for (const event of queued.splice(0)) send(event);
    },
    setTitle: (name) => {
      documentName = name;
      updateTitle();
    },
    setDirty: (value) => {
      dirty = value;
      updateTitle();
      if (!value && closeAfterSave) {
        closeAfterSave = false;
        forceClose = true;
        win?.close();
      }
    },
    showOpenDialog: askForFile,
    showSaveDialog: askForSavePath,
  },
});

function createWindow(): void {
  const displays = [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((d) => d.workArea);
  const state = loadWindowState(readJson(stateFile()), displays);
  win = new BrowserWindow(
    windowOptions({
      preloadPath: join(__dirname, 'preload.cjs'),
      bounds: state.bounds,
      ...(existsSync(iconPath) ? { iconPath } : {}),
    }),
  );
  const current = win;
  rendererReady = false;
  forceClose = false;
  if (state.maximized) current.maximize();
  current.once('ready-to-show', () => current.show());
  current.webContents.on('did-start-loading', () => {
    rendererReady = false;
  });
  current.webContents.on('render-process-gone', (_event, details) => {
    if (details.reason !== 'clean-exit') current.reload();
  });
  current.on('close', (event) => {
    if (dirty && !forceClose) {
      event.preventDefault();
      void dialog.showMessageBox(current, closePromptOptions(documentName)).then(({ response }) => {
        const choice = closeChoice(response);
        if (choice === 'discard') {
          forceClose = true;
          current.close();
        } else if (choice === 'save') {
          sendCommand('file.save');
          closeAfterSave = true;
        }
      });
      return;
    }
    writeJson(stateFile(), saveWindowState(current.getNormalBounds(), current.isMaximized()));
  });
  current.on('closed', () => {
    if (win === current) win = null;
    dirty = false;
    documentName = null;
  });
  updateTitle();
  void current.loadURL(APP_URL);
}

function handleCall(event: IpcMainInvokeEvent, method: unknown, args: unknown): ReturnType<typeof route> {
  // Only our window's own contents; any other WebContents (there should be none) is refused.
  if (!win || event.sender !== win.webContents)
    return Promise.resolve({ ok: false, error: 'Calls are accepted only from the Sluice window.' });
  return route(event.senderFrame?.url, method, args);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  const launchFiles = filesFromArgv(process.argv, process.cwd());

  app.on('second-instance', (_event, argv, workingDirectory) => {
    for (const file of filesFromArgv(argv, workingDirectory)) openPath(file);
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  // macOS delivers double-clicked files this way, possibly before 'ready'.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    if (app.isReady()) openPath(path);
    else launchFiles.push(path);
  });

  app.on('web-contents-created', (_event, contents) => {
    guardNavigation(contents, APP_URL, (url) => {
      if (isSafeExternalUrl(url)) void shell.openExternal(url);
    });
  });

  void app.whenReady().then(() => {
    recent = parseRecent(readJson(recentFile()));
    for (const file of recent) grants.grantFileFolder(file);

    protocol.handle(APP_SCHEME, async (request) => {
      const file = resolveAppFile(request.url, rendererDir);
      if (!file) return new Response('Not found', { status: 404 });
      try {
        const body = await readFile(file);
        return new Response(body, {
          headers: {
            'Content-Type': mimeTypeOf(file),
            'Content-Security-Policy': buildCsp(),
            'X-Content-Type-Options': 'nosniff',
          },
        });
      } catch {
        return new Response('Not found', { status: 404 });
      }
    });
    // Any response that is not ours (there should be none) gets the same policy.
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: withCsp(details.responseHeaders) });
    });
    applyPermissionPolicy(session.defaultSession, APP_URL);

    ipcMain.handle(CALL_CHANNEL, handleCall);
    buildMenu();
    relay.start();
    createWindow();
    for (const file of launchFiles) openPath(file);

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => relay.dispose());
}
