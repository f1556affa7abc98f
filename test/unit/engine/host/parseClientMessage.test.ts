import { describe, expect, it } from 'vitest';
import { API_METHODS } from '../../../../engine/contract/wireProtocol.js';
import { METHOD_ARGS, parseClientMessage } from '../../../../engine/host/parseClientMessage.js';

const call = (method: unknown, args: unknown, id: unknown = 7): string =>
  JSON.stringify({ type: 'call', id, method, args });

describe('parseClientMessage', () => {
  it('has an argument rule for every API method', () => {
    for (const method of API_METHODS) expect(METHOD_ARGS[method], method).toBeDefined();
    expect(Object.keys(METHOD_ARGS).sort()).toEqual([...API_METHODS].sort());
  });

  it('accepts a hello with the right version and refuses another version as fatal', () => {
    expect(parseClientMessage('{"type":"hello","version":1}', 1)).toEqual({
      ok: true,
      message: { type: 'hello', version: 1 },
    });
    const wrong = parseClientMessage('{"type":"hello","version":2}', 1);
    expect(wrong).toMatchObject({ ok: false, fatal: true });
    expect(!wrong.ok && wrong.error).toMatch(/version 2 .* version 1; reload the page/);
  });

  it('refuses text that is not JSON, and JSON that is not an object', () => {
    expect(parseClientMessage('{oops', 1)).toEqual({ ok: false, id: null, error: 'The message is not valid JSON.' });
    expect(parseClientMessage('[1,2]', 1)).toMatchObject({ ok: false, id: null });
  });

  it('refuses an unknown message type and a call without a usable id', () => {
    expect(parseClientMessage('{"type":"exec"}', 1)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/Unknown message type "exec"/),
    });
    expect(parseClientMessage(call('validate', [{}], 'x'), 1)).toMatchObject({ ok: false, id: null });
    expect(parseClientMessage(call('validate', [{}], -3), 1)).toMatchObject({ ok: false, id: null });
  });

  it('refuses a method that is not in the API, naming the call id', () => {
    const r = parseClientMessage(call('subscribe', []), 1);
    expect(r).toMatchObject({ ok: false, id: 7 });
    expect(!r.ok && r.error).toMatch(/Unknown method "subscribe"/);
    expect(parseClientMessage(call('constructor', []), 1)).toMatchObject({ ok: false, id: 7 });
    expect(parseClientMessage(call('__proto__', []), 1)).toMatchObject({ ok: false, id: 7 });
  });

  it('refuses the wrong number of arguments', () => {
    expect(parseClientMessage(call('saveFile', ['a.json']), 1)).toMatchObject({
      ok: false,
      error: 'saveFile takes 2 arguments, not 1.',
    });
    expect(parseClientMessage(call('listExamples', [1]), 1)).toMatchObject({
      ok: false,
      error: 'listExamples takes 0 arguments, not 1.',
    });
    expect(parseClientMessage(call('openFile', 'a.json'), 1)).toMatchObject({
      ok: false,
      error: 'The arguments of openFile must be an array.',
    });
  });

  it('refuses arguments of the wrong type, naming the argument', () => {
    expect(parseClientMessage(call('openFile', [42]), 1)).toMatchObject({
      ok: false,
      error: 'The "path" argument of openFile must be a string, not a number.',
    });
    expect(parseClientMessage(call('tapEdge', ['r', 'e', 'yes']), 1)).toMatchObject({
      ok: false,
      error: 'The "on" argument of tapEdge must be true or false, not a string.',
    });
    expect(parseClientMessage(call('startRun', [{ graph: {}, path: 5 }]), 1)).toMatchObject({
      ok: false,
      error: 'The "request" argument of startRun has a "path" field that must be a string, not a number.',
    });
    expect(parseClientMessage(call('startRun', [{}]), 1)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/needs a "graph" field/),
    });
    expect(parseClientMessage(call('listCheckpoints', [{ runId: 3 }]), 1)).toMatchObject({ ok: false });
  });

  it('treats a trailing null as an omitted optional argument', () => {
    expect(parseClientMessage(call('listFiles', [null]), 1)).toEqual({
      ok: true,
      message: { type: 'call', id: 7, method: 'listFiles', args: [] },
    });
    expect(parseClientMessage(call('listFiles', ['dir']), 1)).toMatchObject({ ok: true });
  });

  it('accepts anything as the graph to validate', () => {
    expect(parseClientMessage(call('validate', ['not a graph']), 1)).toMatchObject({ ok: true });
    expect(parseClientMessage(call('validate', [null]), 1)).toMatchObject({ ok: true });
    expect(parseClientMessage(call('validate', []), 1)).toMatchObject({
      ok: false,
      error: 'validate takes 1 argument, not 0.',
    });
  });
});
