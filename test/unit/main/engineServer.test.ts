import { describe, expect, it } from 'vitest';
import type { HostMessage } from '../../../engine/contract/wireProtocol.js';
import { messageOf, serveEngine } from '../../../main/engineServer.js';
import { FakeEngineApi } from './fakeEngineApi.js';

function harness() {
  const api = new FakeEngineApi();
  const sent: HostMessage[] = [];
  let receive: (m: unknown) => void = () => {};
  const granted: string[] = [];
  serveEngine({ postMessage: (m) => sent.push(m), onMessage: (l) => (receive = l) }, api, (f) => granted.push(f));
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { api, sent, receive: (m: unknown) => receive(m), granted, settle };
}

describe('serveEngine', () => {
  it('answers hello with welcome and the protocol version', () => {
    const h = harness();
    h.receive({ type: 'hello', version: 1 });
    expect(h.sent).toEqual([{ type: 'welcome', version: 1 }]);
  });

  it('answers a call with its result, and an undefined result as null', async () => {
    const h = harness();
    h.receive({ type: 'call', id: 3, method: 'openExample', args: ['fraud'] });
    h.receive({ type: 'call', id: 4, method: 'stopRun', args: ['r1'] });
    await h.settle();
    expect(h.sent).toEqual([
      { type: 'result', id: 3, ok: true, value: { text: '{"name":"x"}' } },
      { type: 'result', id: 4, ok: true, value: null },
    ]);
  });

  it('answers a failing call with the error message only', async () => {
    const h = harness();
    h.receive({ type: 'call', id: 1, method: 'startRun', args: [{ graph: { name: 'bad' } }] });
    await h.settle();
    expect(h.sent).toEqual([{ type: 'result', id: 1, ok: false, error: 'Node "x" has an unknown type "nope".' }]);
  });

  it('refuses methods that are not EngineApi calls, such as subscribe or constructor', async () => {
    const h = harness();
    h.receive({ type: 'call', id: 1, method: 'subscribe', args: [] });
    h.receive({ type: 'call', id: 2, method: 'constructor', args: [] });
    await h.settle();
    expect(h.sent.map((m) => m.type === 'result' && m.ok)).toEqual([false, false]);
    expect(h.api.calls).toEqual([]);
  });

  it('forwards every run event', () => {
    const h = harness();
    h.api.emit({ type: 'logged', runId: 'r', nodeId: 'n', level: 'info', message: 'hi' });
    expect(h.sent).toEqual([
      { type: 'event', event: { type: 'logged', runId: 'r', nodeId: 'n', level: 'info', message: 'hi' } },
    ]);
  });

  it('passes granted folders to the file policy and ignores junk', () => {
    const h = harness();
    h.receive({ type: 'grantFolder', folder: '/home/u/g' });
    h.receive(null);
    h.receive('x');
    expect(h.granted).toEqual(['/home/u/g']);
  });
});

describe('messageOf', () => {
  it('gives the message of an error, never its stack', () => {
    expect(messageOf(new Error('The file is missing.'))).toBe('The file is missing.');
    expect(messageOf('plain')).toBe('plain');
    expect(messageOf(42)).toBe('The engine failed without saying why.');
  });
});
