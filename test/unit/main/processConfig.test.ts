import { describe, expect, it } from 'vitest';
import { engineConfigArg, parseEngineProcessConfig } from '../../../main/engineProcessConfig.js';
import { SQLITE_BINDING_ENV, sqliteBindingPath } from '../../../main/nativeBinding.js';
import { notificationFromEvent } from '../../../main/notificationRequest.js';

describe('engineProcessConfig.ts', () => {
  it('round-trips the config through argv', () => {
    const config = { roots: ['/home/u/g'], examplesDir: '/app/assets/examples' };
    expect(parseEngineProcessConfig(['node', 'engineProcess.cjs', engineConfigArg(config)])).toEqual(config);
  });

  it('says so when the config is missing or malformed', () => {
    expect(() => parseEngineProcessConfig(['node'])).toThrow(
      'The engine process was started without its configuration.',
    );
    expect(() => parseEngineProcessConfig(['--sluice-engine-config={"roots":"/"}'])).toThrow(
      'The engine process configuration is malformed.',
    );
  });
});

describe('sqliteBindingPath (nativeBinding.ts)', () => {
  const base = { appRoot: '/repo', exists: () => true };
  it('prefers a binding the developer set', () => {
    expect(sqliteBindingPath({ ...base, env: { [SQLITE_BINDING_ENV]: '/x.node' }, isPackaged: false })).toBe('/x.node');
  });
  it('uses the package’s own (rebuilt) binding when packaged', () => {
    expect(sqliteBindingPath({ ...base, env: {}, isPackaged: true })).toBeUndefined();
  });
  it('uses the separate Electron build in development when it exists, else the default', () => {
    expect(sqliteBindingPath({ ...base, env: {}, isPackaged: false })).toBe(
      '/repo/dist/electron-native/better_sqlite3.node',
    );
    expect(sqliteBindingPath({ ...base, exists: () => false, env: {}, isPackaged: false })).toBeUndefined();
  });
});

describe('notificationFromEvent (notificationRequest.ts)', () => {
  it('recognises a notification request and trims it', () => {
    expect(notificationFromEvent({ type: 'notificationRequested', runId: 'r', body: 'x'.repeat(600) })).toEqual({
      title: 'Sluice',
      body: 'x'.repeat(500),
    });
    expect(notificationFromEvent({ type: 'notificationRequested', title: 'Fraud', body: 'card 42' })).toEqual({
      title: 'Fraud',
      body: 'card 42',
    });
  });
  it('ignores every other event', () => {
    expect(notificationFromEvent({ type: 'logged', message: 'x' })).toBeNull();
    expect(notificationFromEvent({ type: 'notificationRequested', body: 3 })).toBeNull();
    expect(notificationFromEvent(null)).toBeNull();
  });
});
