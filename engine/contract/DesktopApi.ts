import type { RunEvent } from './EngineApi.js';
import { ENGINE_API } from './EngineApi.js';
import { boolean, kindOf, MAX_PATH, nullable, oneOf, optional, string, type Check } from './rpc/check.js';
import { voidMethod, method, type ServiceOf } from './rpc/method.js';
import { KEYCHAIN_NAME, MAX_KEYCHAIN_NAME, MAX_SECRET_LENGTH } from './keychain.js';

export { KEYCHAIN_NAME, MAX_KEYCHAIN_NAME, MAX_SECRET_LENGTH } from './keychain.js';

const keychainName: Check<string> = {
  problem: (v) => {
    if (typeof v !== 'string') return `must be a string, not ${kindOf(v)}`;
    if (v.length > MAX_KEYCHAIN_NAME) return `is longer than ${MAX_KEYCHAIN_NAME} characters`;
    return KEYCHAIN_NAME.test(v) ? null : 'must be a name of letters, digits and “_” that does not start with a digit';
  },
};

/**
 * The calls only the desktop app has, answered by Electron's main process (not the engine):
 * the web host has no window title or native dialogs. Declared here, not in main/, because
 * main and the renderer both speak it and neither may import the other.
 */
export const DESKTOP_API = {
  /**
   * The page listens for events now, so main may deliver the menu commands it held (files
   * passed on the command line before the page had loaded). The preload sends it once.
   */
  ready: voidMethod<() => Promise<void>>(),
  /** The document shown in the window title (its file name, or null for Untitled). */
  setTitle: voidMethod<(documentName: string | null) => Promise<void>>(['documentName', nullable(string(MAX_PATH))]),
  /** Unsaved changes exist (title marker, and a prompt when the window closes). */
  setDirty: voidMethod<(dirty: boolean) => Promise<void>>(['dirty', boolean]),
  /** The native Open dialog; the chosen path, or null if cancelled. */
  showOpenDialog: method<(purpose?: 'open' | 'import') => Promise<string | null>>([
    'purpose',
    optional(oneOf(['open', 'import']), 'open'),
  ]),
  /** The native Save dialog; the chosen `.sluice.json` path, or null if cancelled. */
  showSaveDialog: method<(suggestedName?: string, purpose?: 'save' | 'export') => Promise<string | null>>(
    ['suggestedName', optional(string(MAX_PATH))],
    ['purpose', optional(oneOf(['save', 'export']), 'save')],
  ),
  /**
   * Whether secrets can be kept in the OS keychain here (Electron's safeStorage: the macOS
   * Keychain, DPAPI, libsecret or KWallet). False on Linux without a keyring, where
   * safeStorage would fall back to a key written in its own source.
   */
  keychainAvailable: method<() => Promise<boolean>>(),
  /** The names of the secrets kept, sorted. Never their values: those go to the engine process only. */
  listKeychainSecrets: method<() => Promise<string[]>>(),
  /** Keep `value` under `name` (replacing a secret of that name), encrypted by the OS keychain. */
  saveKeychainSecret: voidMethod<(name: string, value: string) => Promise<void>>(
    ['name', keychainName],
    ['value', string(MAX_SECRET_LENGTH, { nonEmpty: true })],
  ),
  /** Forget the secret called `name` (nothing happens if there is none). */
  deleteKeychainSecret: voidMethod<(name: string) => Promise<void>>(['name', keychainName]),
};

export type DesktopApi = ServiceOf<typeof DESKTOP_API>;

/** The keychain calls of the desktop API: what the Connections panel needs of the app. */
export const KEYCHAIN_API = {
  keychainAvailable: DESKTOP_API.keychainAvailable,
  listKeychainSecrets: DESKTOP_API.listKeychainSecrets,
  saveKeychainSecret: DESKTOP_API.saveKeychainSecret,
  deleteKeychainSecret: DESKTOP_API.deleteKeychainSecret,
};
export type KeychainApi = ServiceOf<typeof KEYCHAIN_API>;
export type DesktopMethod = keyof typeof DESKTOP_API;
export const DESKTOP_METHODS = Object.keys(DESKTOP_API) as DesktopMethod[];

/** Everything the page may call over the desktop bridge: the engine's methods and the desktop's. */
export const BRIDGE_API = { ...ENGINE_API, ...DESKTOP_API };
export type BridgeMethod = keyof typeof BRIDGE_API;

/**
 * Commands the desktop menu sends to the renderer as `menuCommand` events. Each is a verb the
 * editor performs; main never edits the document itself.
 */
export const MENU_COMMANDS = [
  'file.new',
  /** Carries `path`: main asked the user with a native dialog (or it came from Open Recent or the command line). */
  'file.open',
  'file.save',
  'file.saveAs',
  /** Carries `path`: add the graph in that file to the open one. */
  'file.import',
  'file.export',
  'file.close',
  /** Graph undo when the canvas has focus; the renderer falls back to text undo inside a field. */
  'edit.undo',
  'edit.redo',
  'run.start',
  'run.stop',
  'run.group',
  'view.fit',
  'view.zoomIn',
  'view.zoomOut',
  'view.togglePalette',
  'view.toggleInspector',
  'view.toggleRunPanel',
  'help.shortcuts',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

/**
 * A menu item was chosen. `path` is set for `file.open` and `file.import` when main already
 * asked the user with a native dialog (or the file came from Open Recent or the command line).
 */
export interface MenuCommandEvent {
  type: 'menuCommand';
  command: MenuCommand;
  path?: string;
}

/** Everything main pushes to the page: the engine's run events and the menu's commands. */
export type BridgeEvent = RunEvent | MenuCommandEvent;

/**
 * `window.sluice`, which the Electron preload exposes: the whole surface the page gets. Two
 * functions and no Electron objects, so the page can never reach `ipcRenderer` itself.
 */
export interface SluiceBridge {
  /** Call a `BRIDGE_API` method; rejects with main's (or the engine's) one-sentence error. */
  call(method: string, args: unknown[]): Promise<unknown>;
  /** Receive run events and menu commands; returns an unsubscribe function. */
  onEvent(listener: (event: BridgeEvent) => void): () => void;
}
