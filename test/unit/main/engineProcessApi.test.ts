import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../engine/contract/rpc/wireProtocol.js';
import { serveEngineProcess } from '../../../main/engineProcessApi.js';
import { FakeEngineApi } from './fakeEngineApi.js';

function harness() {
  const api = new FakeEngineApi();
  const sent: ServerMessage[] = [];
  const receive = serveEngineProcess({ send: (m) => void sent.push(structuredClone(m)) }, api, () => undefined);
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { api, sent, receive, settle };
}

describe('serveEngineProcess', () => {
  it('answers hello with welcome and the protocol version', () => {
    const h = harness();
    h.receive({ type: 'hello', version: 1 });
    expect(h.sent).toEqual([{ type: 'welcome', version: 1 }]);
  });

  it('answers a call with its result, and a void call with no value', async () => {
    const h = harness();
    h.receive({ type: 'hello', version: 1 });
    h.receive({ type: 'call', id: 3, method: 'openExample', args: ['fraud'] });
    h.receive({ type: 'call', id: 4, method: 'stopRun', args: ['r1'] });
    await h.settle();
    expect(h.sent.slice(1)).toEqual([
      { type: 'result', id: 3, ok: true, value: { text: '{"name":"x"}' } },
      { type: 'result', id: 4, ok: true },
    ]);
  });

  it("answers a failing call with one sentence, never the engine's stack", async () => {
    const h = harness();
    h.receive({ type: 'hello', version: 1 });
    h.receive({ type: 'call', id: 1, method: 'startRun', args: [{ graph: { name: 'bad' } }] });
    await h.settle();
    expect(h.sent[1]).toEqual({
      type: 'result',
      id: 1,
      ok: false,
      error: 'The engine failed: Node "x" has an unknown type "nope".',
    });
  });

  it('refuses methods that are not calls of the schema, such as subscribe or constructor', async () => {
    const h = harness();
    h.receive({ type: 'hello', version: 1 });
    h.receive({ type: 'call', id: 1, method: 'subscribe', args: [] });
    h.receive({ type: 'call', id: 2, method: 'constructor', args: [] });
    h.receive({ type: 'call', id: 3, method: 'emit', args: [{ type: 'logged' }] });
    await h.settle();
    expect(h.sent.slice(1).map((m) => m.type === 'result' && m.ok)).toEqual([false, false, false]);
    expect(h.api.calls).toEqual([]);
  });

  it('forwards every run event, also one sent before the hello of main arrived', () => {
    const h = harness();
    h.api.emit({ type: 'logged', runId: 'r', nodeId: 'n', level: 'info', message: 'early' });
    h.receive({ type: 'hello', version: 1 });
    h.api.emit({ type: 'logged', runId: 'r', nodeId: 'n', level: 'info', message: 'hi' });
    expect(h.sent).toEqual([
      { type: 'event', event: { type: 'logged', runId: 'r', nodeId: 'n', level: 'info', message: 'early' } },
      { type: 'welcome', version: 1 },
      { type: 'event', event: { type: 'logged', runId: 'r', nodeId: 'n', level: 'info', message: 'hi' } },
    ]);
  });

  it('passes granted folders to the file policy, refuses a bad one, and ignores junk', async () => {
    const h = harness();
    h.receive({ type: 'hello', version: 1 });
    h.receive({ type: 'call', id: 1, method: 'grantFolder', args: ['/home/u/g'] });
    h.receive({ type: 'call', id: 2, method: 'grantFolder', args: ['/a\0b'] });
    h.receive(null);
    h.receive('x');
    await h.settle();
    expect(h.api.granted).toEqual(['/home/u/g']);
    const byId = (id: number) => h.sent.find((m) => m.type === 'result' && m.id === id);
    expect(byId(1)).toEqual({ type: 'result', id: 1, ok: true });
    expect(byId(2)).toEqual({
      type: 'result',
      id: 2,
      ok: false,
      error: 'The "folder" argument of grantFolder must not contain a NUL character.',
    });
    expect(h.sent.filter((m) => m.type === 'result' && m.id === -1)).toHaveLength(2);
  });

  it('takes the keychain’s secrets from main, and refuses names and values that are none', async () => {
    const h = harness();
    h.receive({ type: 'hello', version: 1 });
    h.receive({ type: 'call', id: 1, method: 'setKeychainSecrets', args: [{ PG_PASSWORD: 'pw' }] });
    h.receive({ type: 'call', id: 2, method: 'setKeychainSecrets', args: [{ 'bad name': 'pw' }] });
    h.receive({ type: 'call', id: 3, method: 'setKeychainSecrets', args: [{ PW: 42 }] });
    h.receive({ type: 'call', id: 4, method: 'setKeychainSecrets', args: [['PW']] });
    await h.settle();
    expect(h.api.keychains).toEqual([{ PG_PASSWORD: 'pw' }]);
    const errorOf = (id: number) => {
      const m = h.sent.find((x) => x.type === 'result' && x.id === id) as { error?: string } | undefined;
      return m?.error;
    };
    expect(errorOf(2)).toBe('The "secrets" argument of setKeychainSecrets has a name that is no keychain name.');
    expect(errorOf(3)).toMatch(/has a secret that is no string/);
    expect(errorOf(4)).toBe('The "secrets" argument of setKeychainSecrets must be an object, not an array.');
  });
});
