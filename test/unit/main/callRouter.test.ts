import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretStore } from '../../../main/SecretStore.js';
import type { DesktopHandlers } from '../../../main/callRouter.js';
import { createCallRouter } from '../../../main/callRouter.js';
import { PathGrants } from '../../../main/pathGrants.js';

const APP = 'app://sluice/index.html';

/** A real cipher (AES-256-GCM, a key of the test's own) standing in for safeStorage. */
function aesGcm(available: boolean) {
  const key = randomBytes(32);
  return {
    isAvailable: async () => available,
    encrypt: async (text: string) => {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(text, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decrypt: async (b: Uint8Array) => {
      const buf = Buffer.from(b);
      const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
      d.setAuthTag(buf.subarray(12, 28));
      return { text: Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8') };
    },
  };
}

function setup(dialogPath: string | null = '/home/u/graphs/new.sluice.json', keychainAvailable = true) {
  const engineCalls: Array<[string, unknown[]]> = [];
  const desktopCalls: unknown[][] = [];
  const used: string[] = [];
  const grants = new PathGrants();
  const keychain = new SecretStore(
    path.join(mkdtempSync(path.join(os.tmpdir(), 'sluice-router-')), 'keychain-secrets.json'),
    aesGcm(keychainAvailable),
  );
  const handedOver: Array<Record<string, string>> = [];
  const desktop: DesktopHandlers = {
    ready: () => void desktopCalls.push(['ready']),
    setTitle: (n) => void desktopCalls.push(['setTitle', n]),
    setDirty: (d) => void desktopCalls.push(['setDirty', d]),
    showOpenDialog: async (p) => (desktopCalls.push(['showOpenDialog', p]), dialogPath),
    showSaveDialog: async (n, p) => (desktopCalls.push(['showSaveDialog', n, p]), dialogPath),
  };
  const route = createCallRouter({
    appUrl: APP,
    grants,
    desktop,
    onFileUsed: (p) => used.push(p),
    keychain,
    onKeychainChanged: async () => void handedOver.push((await keychain.values()).values),
    engine: {
      call: async (method, args) => {
        engineCalls.push([method, args]);
        if (method === 'stopRun') throw new Error('No run "x" is live.');
        return method === 'openFile' ? { path: args[0], text: '{}' } : undefined;
      },
    },
  });
  return { route, engineCalls, desktopCalls, grants, used, keychain, handedOver };
}

describe('createCallRouter', () => {
  it('refuses calls from any frame but the app page, before looking at them', async () => {
    const s = setup();
    expect(await s.route('https://evil.example/', 'listExamples', [])).toEqual({
      ok: false,
      error: 'Calls are accepted only from the Sluice window.',
    });
    expect(s.engineCalls).toEqual([]);
  });

  it('refuses calls that fail their schema, with the validation sentence', async () => {
    const s = setup();
    expect(await s.route(APP, 'openFile', [1])).toEqual({
      ok: false,
      error: 'The "path" argument of openFile must be a string, not a number.',
    });
  });

  it('refuses file paths outside the folders the user opened', async () => {
    const s = setup();
    const r = await s.route(APP, 'openFile', ['/home/u/.ssh/id_rsa']);
    expect(r.ok).toBe(false);
    expect(s.engineCalls).toEqual([]);
  });

  it('relays EngineApi calls to the engine and answers undefined as null', async () => {
    const s = setup();
    expect(await s.route(APP, 'listExamples', [])).toEqual({ ok: true, value: null });
    expect(s.engineCalls).toEqual([['listExamples', []]]);
  });

  it("turns an engine failure into the engine's sentence", async () => {
    const s = setup();
    expect(await s.route(APP, 'stopRun', ['x'])).toEqual({ ok: false, error: 'No run "x" is live.' });
  });

  it('grants the folder of a file picked in a dialog, so it can then be opened, and records it as used', async () => {
    const s = setup();
    expect(await s.route(APP, 'showOpenDialog', ['open'])).toEqual({
      ok: true,
      value: '/home/u/graphs/new.sluice.json',
    });
    expect(await s.route(APP, 'openFile', ['/home/u/graphs/new.sluice.json'])).toEqual({
      ok: true,
      value: { path: '/home/u/graphs/new.sluice.json', text: '{}' },
    });
    expect(s.used).toEqual(['/home/u/graphs/new.sluice.json']);
  });

  it('grants nothing when the dialog is cancelled', async () => {
    const s = setup(null);
    expect(await s.route(APP, 'showSaveDialog', ['Fraud', 'save'])).toEqual({ ok: true, value: null });
    expect(s.grants.list()).toEqual([]);
    expect(s.desktopCalls).toEqual([['showSaveDialog', 'Fraud', 'save']]);
  });

  it('answers the desktop calls in main, never in the engine', async () => {
    const s = setup();
    await s.route(APP, 'setTitle', ['Fraud.sluice.json']);
    await s.route(APP, 'setDirty', [true]);
    await s.route(APP, 'ready', []);
    expect(s.desktopCalls).toEqual([['setTitle', 'Fraud.sluice.json'], ['setDirty', true], ['ready']]);
    expect(s.engineCalls).toEqual([]);
  });
});

describe('createCallRouter: the OS keychain', () => {
  it('saves a secret, lists names only, hands the values to the engine process, and deletes', async () => {
    const s = setup();
    expect(await s.route(APP, 'keychainAvailable', [])).toEqual({ ok: true, value: true });
    expect(await s.route(APP, 'saveKeychainSecret', ['PG_PASSWORD', 'p@ss w0rd'])).toEqual({ ok: true, value: null });
    const listed = await s.route(APP, 'listKeychainSecrets', []);
    expect(listed).toEqual({ ok: true, value: ['PG_PASSWORD'] });
    expect(JSON.stringify(listed)).not.toContain('p@ss');
    expect(s.handedOver).toEqual([{ PG_PASSWORD: 'p@ss w0rd' }]);
    expect(await s.route(APP, 'deleteKeychainSecret', ['PG_PASSWORD'])).toEqual({ ok: true, value: null });
    expect(s.handedOver.at(-1)).toEqual({});
    // Deleting what is not there changes nothing, so nothing is handed over.
    await s.route(APP, 'deleteKeychainSecret', ['PG_PASSWORD']);
    expect(s.handedOver).toHaveLength(2);
    expect(s.engineCalls).toEqual([]);
  });

  it('refuses a name that is no keychain name and an empty secret, before the store sees them', async () => {
    const s = setup();
    expect(await s.route(APP, 'saveKeychainSecret', ['bad name', 'x'])).toEqual({
      ok: false,
      error:
        'The "name" argument of saveKeychainSecret must be a name of letters, digits and “_” that does not start with a digit.',
    });
    expect(await s.route(APP, 'saveKeychainSecret', ['PW', ''])).toEqual({
      ok: false,
      error: 'The "value" argument of saveKeychainSecret must not be empty.',
    });
    expect(s.keychain.names()).toEqual([]);
  });

  it('says so in one sentence when this computer has no keychain', async () => {
    const s = setup(null, false);
    expect(await s.route(APP, 'keychainAvailable', [])).toEqual({ ok: true, value: false });
    const r = await s.route(APP, 'saveKeychainSecret', ['PW', 'x']);
    expect(r).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^This computer has no keychain Sluice can use/),
    });
    expect(s.handedOver).toEqual([]);
  });

  it('never lets the page hand secrets to the engine process, nor read them back', async () => {
    const s = setup();
    expect(await s.route(APP, 'setKeychainSecrets', [{ PW: 'x' }])).toEqual({
      ok: false,
      error: 'Unknown method "setKeychainSecrets".',
    });
    expect(s.engineCalls).toEqual([]);
  });
});
