import { describe, expect, it } from 'vitest';
import { API_METHODS } from '../../../engine/contract/wireProtocol.js';
import { DESKTOP_METHODS, SIGNATURES, isTrustedSender, validateCall } from '../../../main/ipcValidation.js';

const APP = 'app://sluice/index.html';

describe('validateCall', () => {
  it('accepts a well-formed call and returns its arguments', () => {
    expect(validateCall('tapEdge', ['run-1', 'e1', true])).toEqual({
      ok: true,
      method: 'tapEdge',
      args: ['run-1', 'e1', true],
    });
  });

  it('refuses a method that is neither an EngineApi nor a desktop call', () => {
    const r = validateCall('eval', ['1+1']);
    expect(r).toEqual({ ok: false, error: 'Unknown method "eval".' });
  });

  it('refuses subscribe, which is not a call over the bridge', () => {
    expect(validateCall('subscribe', []).ok).toBe(false);
  });

  it('refuses non-string methods and non-array arguments without throwing', () => {
    expect(validateCall(42, []).ok).toBe(false);
    expect(validateCall({ toString: () => 'validate' }, []).ok).toBe(false);
    expect(validateCall('validate', { 0: 'x' })).toEqual({
      ok: false,
      error: 'The arguments of validate must be an array.',
    });
  });

  it('names the argument and what is wrong with it', () => {
    expect(validateCall('openFile', [7])).toEqual({
      ok: false,
      error: 'The "path" argument of openFile must be a string, not a number.',
    });
    expect(validateCall('tapEdge', ['r', 'e', 'yes'])).toEqual({
      ok: false,
      error: 'The "on" argument of tapEdge must be true or false, not a string.',
    });
  });

  it('counts arguments, treating trailing null or undefined as omitted', () => {
    expect(validateCall('saveFile', ['/a.sluice.json']).ok).toBe(false);
    expect(validateCall('listExamples', ['extra'])).toEqual({
      ok: false,
      error: 'listExamples takes 0 arguments, not 1.',
    });
    expect(validateCall('listFiles', [null])).toEqual({ ok: true, method: 'listFiles', args: [] });
    expect(validateCall('showSaveDialog', [null, 'export'])).toEqual({
      ok: true,
      method: 'showSaveDialog',
      args: [null, 'export'],
    });
  });

  it('refuses paths with a NUL byte, empty paths and absurdly long ones', () => {
    expect(validateCall('openFile', ['/tmp/a\0.sluice.json']).ok).toBe(false);
    expect(validateCall('openFile', ['']).ok).toBe(false);
    expect(validateCall('openFile', ['/' + 'a'.repeat(5000)]).ok).toBe(false);
  });

  it('refuses unknown fields in a start request, so nothing unexpected reaches the engine', () => {
    const graph = { format: 'sluice/graph', version: 1, name: 'g', nodes: [], edges: [] };
    expect(validateCall('startRun', [{ graph, trusted: true }]).ok).toBe(true);
    expect(validateCall('startRun', [{ graph, __proto__x: 1 }])).toEqual({
      ok: false,
      error: 'The "request" argument of startRun has an unknown field "__proto__x".',
    });
    expect(validateCall('startRun', [{ trusted: true }])).toEqual({
      ok: false,
      error: 'The "request" argument of startRun needs a "graph" field.',
    });
    expect(validateCall('startRun', [{ graph, durationMs: -1 }]).ok).toBe(false);
  });

  it('checks the desktop-only calls too', () => {
    expect(validateCall('setTitle', ['Fraud.sluice.json']).ok).toBe(true);
    expect(validateCall('setTitle', [null]).ok).toBe(true);
    expect(validateCall('setDirty', ['true']).ok).toBe(false);
    expect(validateCall('showOpenDialog', ['delete']).ok).toBe(false);
    expect(validateCall('showOpenDialog', ['import']).ok).toBe(true);
  });

  it('has a schema for every EngineApi method and every desktop call', () => {
    expect(Object.keys(SIGNATURES).sort()).toEqual([...API_METHODS, ...DESKTOP_METHODS].sort());
  });
});

describe('isTrustedSender', () => {
  it('trusts the app page and other pages of the app origin', () => {
    expect(isTrustedSender(APP, APP)).toBe(true);
    expect(isTrustedSender('app://sluice/index.html#/run', APP)).toBe(true);
  });

  it('refuses remote pages, file pages, other hosts of the scheme and missing frames', () => {
    expect(isTrustedSender('https://evil.example/index.html', APP)).toBe(false);
    expect(isTrustedSender('file:///home/u/index.html', APP)).toBe(false);
    expect(isTrustedSender('app://other/index.html', APP)).toBe(false);
    expect(isTrustedSender(undefined, APP)).toBe(false);
    expect(isTrustedSender(null, APP)).toBe(false);
    expect(isTrustedSender('not a url', APP)).toBe(false);
  });

  it('for a file:// app, trusts only the exact page', () => {
    const fileApp = 'file:///opt/sluice/dist/renderer/index.html';
    expect(isTrustedSender(fileApp, fileApp)).toBe(true);
    expect(isTrustedSender('file:///tmp/attacker.html', fileApp)).toBe(false);
  });
});
