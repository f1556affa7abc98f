/**
 * One test per item of Electron's security checklist
 * (https://www.electronjs.org/docs/latest/tutorial/security), run against the options,
 * policies and handlers main actually uses, as data.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { APP_SCHEME_PRIVILEGES, APP_URL, resolveAppFile } from '../../../main/appProtocol.js';
import { CALL_CHANNEL, CHANNEL_PREFIX, EVENT_CHANNEL } from '../../../main/channels.js';
import { CSP_DIRECTIVES, buildCsp } from '../../../main/csp.js';
import { BRIDGE_API } from '../../../engine/contract/DesktopApi.js';
import { checkCall } from '../../../engine/contract/rpc/checkCall.js';
import { isTrustedSender } from '../../../main/isTrustedSender.js';
import { isAllowedNavigation, isSafeExternalUrl, windowOpenDecision } from '../../../main/navigationGuard.js';
import { decidePermission } from '../../../main/permissions.js';
import { createBridge } from '../../../main/preloadBridge.js';
import { windowOptions } from '../../../main/windowOptions.js';

const prefs =
  windowOptions({ preloadPath: '/app/dist/main/preload.cjs', bounds: { width: 1280, height: 800 } }).webPreferences ??
  {};
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
const builder = yaml.load(readFileSync('electron-builder.yml', 'utf8')) as { electronFuses: Record<string, boolean> };
const mainSource = readFileSync('main/main.ts', 'utf8');

describe('Electron security checklist', () => {
  it('1. only loads secure content: the app page comes from the local app:// scheme, and only https leaves the app', () => {
    expect(new URL(APP_URL).protocol).toBe('app:');
    expect(APP_SCHEME_PRIVILEGES.secure).toBe(true);
    expect(isSafeExternalUrl('http://example.com/')).toBe(false);
    expect(isSafeExternalUrl('https://example.com/')).toBe(true);
  });

  it('2. does not enable Node.js integration, in the page, its frames or its workers', () => {
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
  });

  it('3. enables context isolation', () => {
    expect(prefs.contextIsolation).toBe(true);
  });

  it('4. enables the renderer sandbox', () => {
    expect(prefs.sandbox).toBe(true);
  });

  it('5. denies permission requests by default, and every one from a foreign origin', () => {
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'midi',
      'openExternal',
      'hid',
      'serial',
      'usb',
      'fullscreen',
      'pointerLock',
    ]) {
      expect(decidePermission(p, APP_URL, APP_URL)).toBe(false);
    }
    expect(decidePermission('clipboard-sanitized-write', 'https://evil.example/', APP_URL)).toBe(false);
    expect(decidePermission('clipboard-sanitized-write', undefined, APP_URL)).toBe(false);
  });

  it('6. does not disable webSecurity', () => {
    expect(prefs.webSecurity).toBe(true);
  });

  it('7. defines a strict Content-Security-Policy: no inline or remote script, no eval, no network', () => {
    const csp = buildCsp();
    expect(csp).toContain("default-src 'none'");
    expect(CSP_DIRECTIVES['script-src']).toEqual(["'self'"]);
    expect(csp).not.toContain('unsafe-eval');
    expect(CSP_DIRECTIVES['connect-src']).toEqual(["'none'"]);
    expect(CSP_DIRECTIVES['object-src']).toEqual(["'none'"]);
    // Served on every app response and on any other response via webRequest.
    expect(mainSource).toContain("'Content-Security-Policy': buildCsp()");
    expect(mainSource).toContain('webRequest.onHeadersReceived');
  });

  it('8. does not allow running insecure content', () => {
    expect(prefs.allowRunningInsecureContent).toBe(false);
  });

  it('9. does not enable experimental features', () => {
    expect(prefs.experimentalFeatures).toBe(false);
  });

  it('10. does not use enableBlinkFeatures', () => {
    expect(prefs.enableBlinkFeatures).toBeUndefined();
  });

  it('11. has no <webview>, so no allowpopups', () => {
    expect(prefs.webviewTag).toBe(false);
  });

  it('12. refuses to attach any <webview> (their options cannot be verified if none may exist)', () => {
    expect(readFileSync('main/navigationGuard.ts', 'utf8')).toMatch(
      /'will-attach-webview', \(event\) => event\.preventDefault\(\)/,
    );
  });

  it('13. disables navigation away from the app page', () => {
    expect(isAllowedNavigation(APP_URL, APP_URL)).toBe(true);
    expect(isAllowedNavigation('https://evil.example/', APP_URL)).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd', APP_URL)).toBe(false);
    expect(isAllowedNavigation('app://sluice/other.html', APP_URL)).toBe(false);
    expect(isAllowedNavigation('javascript:alert(1)', APP_URL)).toBe(false);
  });

  it('14. disables the creation of new windows', () => {
    expect(windowOpenDecision('https://example.com/').action).toBe('deny');
    expect(windowOpenDecision(APP_URL).action).toBe('deny');
  });

  it('15. does not pass untrusted content to shell.openExternal: https only', () => {
    expect(windowOpenDecision('https://docs.example/').openExternally).toBe(true);
    for (const url of [
      'file:///bin/sh',
      'smb://host/share',
      'ms-msdt:/id',
      'javascript:alert(1)',
      'https://user:pw@host/',
      'app://sluice/',
    ]) {
      expect(isSafeExternalUrl(url)).toBe(false);
    }
  });

  it('16. uses a current version of Electron (45 or newer)', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { devDependencies: Record<string, string> };
    const major = Number(/\d+/.exec(pkg.devDependencies.electron ?? '')?.[0]);
    expect(major).toBeGreaterThanOrEqual(45);
  });

  it('17. validates the sender and the schema of every IPC message', () => {
    expect(isTrustedSender('https://evil.example/', APP_URL)).toBe(false);
    expect(isTrustedSender(APP_URL, APP_URL)).toBe(true);
    expect(checkCall(BRIDGE_API, 'openFile', [{ path: '/etc/passwd' }]).ok).toBe(false);
    expect(mainSource).toContain('event.sender !== win.webContents');
  });

  it('18. avoids the file:// protocol: the app is served from a custom scheme confined to dist/renderer', () => {
    expect(mainSource).toContain('protocol.handle(APP_SCHEME');
    expect(mainSource).not.toMatch(/loadFile\(|loadURL\(['"`]file:/);
    // The URL parser folds plain dot segments inside the root; encoded slashes are caught after decoding.
    expect(resolveAppFile('app://sluice/../../etc/passwd', '/app/dist/renderer')).toBe('/app/dist/renderer/etc/passwd');
    expect(resolveAppFile('app://sluice/a%2F..%2F..%2F..%2Fetc%2Fpasswd', '/app/dist/renderer')).toBeNull();
    expect(resolveAppFile('file:///etc/passwd', '/app/dist/renderer')).toBeNull();
  });

  it('19. flips the fuses in the packaged app: no RunAsNode, no NODE_OPTIONS, no inspect, ASAR integrity, ASAR only', () => {
    expect(builder.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('20. exposes no Electron API to the page: only call and onEvent on sluice: channels', () => {
    const channels: string[] = [];
    const bridge = createBridge({
      invoke: async (channel) => (channels.push(channel), { ok: true, value: null }),
      on: (channel) => channels.push(channel),
      removeListener: (channel) => channels.push(channel),
    });
    expect(Object.keys(bridge).sort()).toEqual(['call', 'onEvent']);
    void bridge.call('listExamples', []);
    bridge.onEvent(() => {})();
    expect(channels.every((c) => c.startsWith(CHANNEL_PREFIX))).toBe(true);
    expect([CALL_CHANNEL, EVENT_CHANNEL].every((c) => c.startsWith('sluice:'))).toBe(true);
    expect(readFileSync('main/preload.ts', 'utf8')).toMatch(
      /exposeInMainWorld\('sluice', createBridge\(ipcRenderer\)\)/,
    );
  });
});
