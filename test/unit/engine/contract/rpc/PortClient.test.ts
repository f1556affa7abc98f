import { describe, expect, it } from 'vitest';
import { PortClient } from '../../../../../engine/contract/rpc/PortClient.js';
import type { ClientMessage } from '../../../../../engine/contract/rpc/wireProtocol.js';

function harness() {
  const sent: ClientMessage[] = [];
  const events: string[] = [];
  const notices: string[] = [];
  const mismatches: string[] = [];
  let welcomes = 0;
  const client = new PortClient<string>(
    // Encode as the WebSocket does, so arguments that are not data throw here.
    { send: (m) => void sent.push(JSON.parse(JSON.stringify(m)) as ClientMessage) },
    {
      version: 2,
      onEvent: (e) => events.push(e),
      onNotice: (m) => notices.push(m),
      onWelcome: () => welcomes++,
      onVersionMismatch: (r) => mismatches.push(r),
    },
  );
  return { client, sent, events, notices, mismatches, welcomes: () => welcomes };
}

describe('PortClient', () => {
  it('says hello, holds calls until the welcome, then sends them in order', () => {
    const h = harness();
    h.client.open();
    void h.client.call('a', [1]);
    void h.client.call('b', []);
    expect(h.sent).toEqual([{ type: 'hello', version: 2 }]);
    h.client.receive({ type: 'welcome', version: 2 });
    expect(h.welcomes()).toBe(1);
    expect(h.sent.slice(1)).toEqual([
      { type: 'call', id: 1, method: 'a', args: [1] },
      { type: 'call', id: 2, method: 'b', args: [] },
    ]);
  });

  it('pipelined, sends calls right behind the hello without waiting for the welcome', () => {
    const sent: ClientMessage[] = [];
    const client = new PortClient({ send: (m) => void sent.push(m) }, { version: 2, pipelined: true });
    void client.call('early', []);
    client.open();
    void client.call('next', []);
    expect(sent.map((m) => (m.type === 'call' ? m.method : m.type))).toEqual(['hello', 'early', 'next']);
  });

  it('settles each call with the result of its own id, whatever the order of answers', async () => {
    const h = harness();
    h.client.receive({ type: 'welcome', version: 2 });
    const a = h.client.call('a', []);
    const b = h.client.call('b', []);
    h.client.receive({ type: 'result', id: 2, ok: false, error: 'B went wrong.' });
    h.client.receive({ type: 'result', id: 1, ok: true, value: 'A' });
    await expect(a).resolves.toBe('A');
    await expect(b).rejects.toThrow('B went wrong.');
  });

  it('passes events on, and an error for no call of its own as a notice', () => {
    const h = harness();
    h.client.receive({ type: 'event', event: 'tick' });
    h.client.receive({ type: 'result', id: -1, ok: false, error: 'The message is not valid JSON.' });
    h.client.receive({ type: 'result', id: 99, ok: true, value: 1 });
    h.client.receive(null);
    h.client.receive({ type: 'nonsense' });
    expect(h.events).toEqual(['tick']);
    expect(h.notices).toEqual(['The message is not valid JSON.']);
  });

  it('rejects every call in flight or waiting when the link is dropped, and holds new ones again', async () => {
    const h = harness();
    h.client.receive({ type: 'welcome', version: 2 });
    const inFlight = h.client.call('a', []);
    h.client.dropCalls((m) => `${m} did not finish: the link was lost.`);
    await expect(inFlight).rejects.toThrow('a did not finish: the link was lost.');
    void h.client.call('b', []);
    expect(h.sent.filter((m) => m.type === 'call').map((m) => m.type === 'call' && m.method)).toEqual(['a']);
  });

  it('reports a welcome of another version instead of sending anything', () => {
    const h = harness();
    void h.client.call('a', []);
    h.client.receive({ type: 'welcome', version: 7 });
    expect(h.mismatches).toEqual(['The Sluice host speaks protocol version 7, this page version 2; reload the page.']);
    expect(h.sent).toEqual([]);
  });

  it('without a mismatch handler, fails the waiting calls with the reason itself', async () => {
    const client = new PortClient({ send: () => undefined }, { version: 2 });
    const waiting = client.call('a', []);
    client.receive({ type: 'welcome', version: 3 });
    await expect(waiting).rejects.toThrow(/protocol version 3, this page version 2/);
  });

  it('fails only the call whose arguments cannot be sent', async () => {
    const h = harness();
    h.client.receive({ type: 'welcome', version: 2 });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(h.client.call('save', [cyclic])).rejects.toThrow(/^The arguments of save cannot be sent: /);
    const fine = h.client.call('list', []);
    h.client.receive({ type: 'result', id: 2, ok: true, value: [] });
    await expect(fine).resolves.toEqual([]);
  });
});
