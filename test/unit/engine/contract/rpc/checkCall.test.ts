import { describe, expect, it } from 'vitest';
import { BRIDGE_API, DESKTOP_METHODS } from '../../../../../engine/contract/DesktopApi.js';
import { API_METHODS, ENGINE_API } from '../../../../../engine/contract/EngineApi.js';
import { checkCall, pathsOfCall } from '../../../../../engine/contract/rpc/checkCall.js';

const graph = { format: 'sluice/graph', version: 1, name: 'g', nodes: [], edges: [] };

describe('checkCall', () => {
  it('accepts a well-formed call and returns its arguments', () => {
    expect(checkCall(BRIDGE_API, 'tapEdge', ['run-1', 'e1', true])).toEqual({
      ok: true,
      method: 'tapEdge',
      args: ['run-1', 'e1', true],
    });
  });

  it('refuses a method the schema does not have, and names it', () => {
    expect(checkCall(BRIDGE_API, 'eval', ['1+1'])).toEqual({ ok: false, error: 'Unknown method "eval".' });
    expect(checkCall(ENGINE_API, 'rm -rf', [])).toEqual({ ok: false, error: 'Unknown method "rm -rf".' });
  });

  it('refuses subscribe, constructor and __proto__, which are not calls', () => {
    for (const m of ['subscribe', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(checkCall(BRIDGE_API, m, []).ok, m).toBe(false);
    }
  });

  it('refuses non-string methods and non-array arguments without throwing', () => {
    expect(checkCall(BRIDGE_API, 42, []).ok).toBe(false);
    expect(checkCall(BRIDGE_API, { toString: () => 'validate' }, []).ok).toBe(false);
    expect(checkCall(BRIDGE_API, 'validate', { 0: 'x' })).toEqual({
      ok: false,
      error: 'The arguments of validate must be an array.',
    });
    expect(checkCall(ENGINE_API, 'openFile', 'a.json')).toEqual({
      ok: false,
      error: 'The arguments of openFile must be an array.',
    });
  });

  it('names the argument and what is wrong with it', () => {
    expect(checkCall(BRIDGE_API, 'openFile', [7])).toEqual({
      ok: false,
      error: 'The "path" argument of openFile must be a string, not a number.',
    });
    expect(checkCall(BRIDGE_API, 'tapEdge', ['r', 'e', 'yes'])).toEqual({
      ok: false,
      error: 'The "on" argument of tapEdge must be true or false, not a string.',
    });
    expect(checkCall(ENGINE_API, 'openFile', [{ path: '/etc/passwd' }])).toEqual({
      ok: false,
      error: 'The "path" argument of openFile must be a string, not an object.',
    });
    expect(checkCall(ENGINE_API, 'replayDeadLetters', ['r', [1, -2]])).toEqual({
      ok: false,
      error: 'The "ids" argument of replayDeadLetters must be a list of dead-letter ids (whole numbers), not an array.',
    });
  });

  it('counts arguments, treating trailing null or undefined as omitted', () => {
    expect(checkCall(BRIDGE_API, 'saveFile', ['/a.sluice.json'])).toEqual({
      ok: false,
      error: 'saveFile takes 2 arguments, not 1.',
    });
    expect(checkCall(BRIDGE_API, 'listExamples', ['extra'])).toEqual({
      ok: false,
      error: 'listExamples takes 0 arguments, not 1.',
    });
    expect(checkCall(BRIDGE_API, 'validate', [])).toEqual({ ok: false, error: 'validate takes 1 argument, not 0.' });
    expect(checkCall(BRIDGE_API, 'listFiles', [null])).toEqual({ ok: true, method: 'listFiles', args: [] });
    expect(checkCall(BRIDGE_API, 'listFiles', ['/g'])).toEqual({ ok: true, method: 'listFiles', args: ['/g'] });
  });

  it('gives an omitted optional argument its default, or undefined, never null', () => {
    expect(checkCall(BRIDGE_API, 'showSaveDialog', [null, 'export'])).toEqual({
      ok: true,
      method: 'showSaveDialog',
      args: [undefined, 'export'],
    });
    expect(checkCall(BRIDGE_API, 'showSaveDialog', ['Fraud'])).toEqual({
      ok: true,
      method: 'showSaveDialog',
      args: ['Fraud', 'save'],
    });
    expect(checkCall(BRIDGE_API, 'showOpenDialog', [])).toEqual({ ok: true, method: 'showOpenDialog', args: ['open'] });
  });

  it('accepts anything as the graph to validate, null included', () => {
    expect(checkCall(ENGINE_API, 'validate', ['not a graph']).ok).toBe(true);
    expect(checkCall(ENGINE_API, 'validate', [null])).toEqual({ ok: true, method: 'validate', args: [null] });
  });

  it('refuses paths with a NUL byte, empty paths and absurdly long ones, on every transport', () => {
    for (const schema of [BRIDGE_API, ENGINE_API]) {
      expect(checkCall(schema, 'openFile', ['/tmp/a\0.sluice.json'])).toEqual({
        ok: false,
        error: 'The "path" argument of openFile must not contain a NUL character.',
      });
      expect(checkCall(schema, 'openFile', ['']).ok).toBe(false);
      expect(checkCall(schema, 'openFile', ['/' + 'a'.repeat(5000)])).toEqual({
        ok: false,
        error: 'The "path" argument of openFile is longer than 4096 characters.',
      });
      expect(checkCall(schema, 'listCheckpoints', [{ graphPath: 'a\0b' }]).ok).toBe(false);
      expect(checkCall(schema, 'stopRun', ['r'.repeat(300)]).ok).toBe(false);
    }
  });

  it('refuses unknown fields in a start request, so nothing unexpected reaches the engine', () => {
    expect(checkCall(ENGINE_API, 'startRun', [{ graph, trusted: true }]).ok).toBe(true);
    expect(checkCall(ENGINE_API, 'startRun', [{ graph, __proto__x: 1 }])).toEqual({
      ok: false,
      error: 'The "request" argument of startRun has an unknown field "__proto__x".',
    });
    // JSON.parse makes "__proto__" an own key; it must be refused like any other unknown field.
    expect(checkCall(ENGINE_API, 'startRun', JSON.parse('[{"graph":{},"__proto__":{"trusted":true}}]'))).toEqual({
      ok: false,
      error: 'The "request" argument of startRun has an unknown field "__proto__".',
    });
    expect(checkCall(ENGINE_API, 'startRun', [{ trusted: true }])).toEqual({
      ok: false,
      error: 'The "request" argument of startRun needs a "graph" field.',
    });
    expect(checkCall(ENGINE_API, 'startRun', [{ graph: {}, path: 5 }])).toEqual({
      ok: false,
      error: 'The "request" argument of startRun has a "path" field that must be a string, not a number.',
    });
    expect(checkCall(ENGINE_API, 'startRun', [{ graph, durationMs: -1 }]).ok).toBe(false);
    expect(checkCall(ENGINE_API, 'startRun', [{ graph: [] }]).ok).toBe(false);
    expect(checkCall(ENGINE_API, 'listCheckpoints', [{ runId: 3 }]).ok).toBe(false);
    expect(checkCall(ENGINE_API, 'listDeadLetters', [{ runId: 'r', extra: 1 }]).ok).toBe(false);
  });

  it('checks the desktop-only calls too, which the engine does not take', () => {
    expect(checkCall(BRIDGE_API, 'setTitle', ['Fraud.sluice.json']).ok).toBe(true);
    expect(checkCall(BRIDGE_API, 'setTitle', [null]).ok).toBe(true);
    expect(checkCall(BRIDGE_API, 'setDirty', ['true']).ok).toBe(false);
    expect(checkCall(BRIDGE_API, 'showOpenDialog', ['delete'])).toEqual({
      ok: false,
      error: 'The "purpose" argument of showOpenDialog must be one of "open", "import".',
    });
    expect(checkCall(BRIDGE_API, 'showOpenDialog', ['import']).ok).toBe(true);
    expect(checkCall(ENGINE_API, 'setTitle', ['x']).ok).toBe(false);
  });

  it('has a schema for every EngineApi method and every desktop call, and the desktop calls are not EngineApi methods', () => {
    expect(Object.keys(BRIDGE_API).sort()).toEqual([...API_METHODS, ...DESKTOP_METHODS].sort());
    for (const m of DESKTOP_METHODS) expect(Object.hasOwn(ENGINE_API, m)).toBe(false);
  });
});

describe('pathsOfCall', () => {
  it('finds the paths each file-touching call names, from the schema', () => {
    expect(pathsOfCall(BRIDGE_API, 'openFile', ['/a/b.sluice.json'])).toEqual(['/a/b.sluice.json']);
    expect(pathsOfCall(BRIDGE_API, 'saveFile', ['/a/b.sluice.json', '{}'])).toEqual(['/a/b.sluice.json']);
    expect(pathsOfCall(BRIDGE_API, 'listFiles', ['/a'])).toEqual(['/a']);
    expect(pathsOfCall(BRIDGE_API, 'listFiles', [])).toEqual([]);
    expect(pathsOfCall(BRIDGE_API, 'startRun', [{ graph: {}, path: '/a/g.sluice.json' }])).toEqual([
      '/a/g.sluice.json',
    ]);
    expect(pathsOfCall(BRIDGE_API, 'startRun', [{ graph: {} }])).toEqual([]);
    expect(pathsOfCall(BRIDGE_API, 'listCheckpoints', [{ graphPath: '/a/g.sluice.json' }])).toEqual([
      '/a/g.sluice.json',
    ]);
    expect(pathsOfCall(BRIDGE_API, 'listDeadLetters', [{ runId: 'r' }])).toEqual([]);
    expect(pathsOfCall(BRIDGE_API, 'openExample', ['fraud'])).toEqual([]);
    // A document name or a suggested file name is not a path the user opens.
    expect(pathsOfCall(BRIDGE_API, 'setTitle', ['/x/y'])).toEqual([]);
    expect(pathsOfCall(BRIDGE_API, 'showSaveDialog', ['/x/y', 'save'])).toEqual([]);
  });
});
