import { describe, expect, it } from 'vitest';
import type { DesktopHandlers } from '../../../main/callRouter.js';
import { createCallRouter } from '../../../main/callRouter.js';
import { PathGrants } from '../../../main/pathGrants.js';

const APP = 'app://sluice/index.html';

function setup(dialogPath: string | null = '/home/u/graphs/new.sluice.json') {
  const engineCalls: Array<[string, unknown[]]> = [];
  const desktopCalls: unknown[][] = [];
  const used: string[] = [];
  const grants = new PathGrants();
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
    engine: {
      call: async (method, args) => {
        engineCalls.push([method, args]);
        if (method === 'stopRun') throw new Error('No run "x" is live.');
        return method === 'openFile' ? { path: args[0], text: '{}' } : undefined;
      },
    },
  });
  return { route, engineCalls, desktopCalls, grants, used };
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
