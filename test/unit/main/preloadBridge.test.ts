import { describe, expect, it } from 'vitest';
import { createBridge } from '../../../main/preloadBridge.js';

function fakeIpc(answer: unknown = { ok: true, value: 7 }) {
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  return {
    invoked,
    emit: (channel: string, payload: unknown) =>
      listeners.get(channel)?.forEach((l) => l({ sender: 'secret' }, payload)),
    count: (channel: string) => listeners.get(channel)?.size ?? 0,
    ipc: {
      invoke: async (...args: unknown[]) => (invoked.push(args), answer),
      on: (c: string, l: (event: unknown, ...args: unknown[]) => void) =>
        listeners.set(c, (listeners.get(c) ?? new Set()).add(l)),
      removeListener: (c: string, l: (event: unknown, ...args: unknown[]) => void) => listeners.get(c)?.delete(l),
    },
  };
}

describe('createBridge', () => {
  it('invokes sluice:call with the method and arguments and returns the value', async () => {
    const f = fakeIpc();
    await expect(createBridge(f.ipc).call('listExamples', [])).resolves.toBe(7);
    expect(f.invoked).toEqual([['sluice:call', 'listExamples', []]]);
  });

  it("rejects with main's sentence when the call failed", async () => {
    const f = fakeIpc({ ok: false, error: 'The file is missing.' });
    await expect(createBridge(f.ipc).call('openFile', ['/a'])).rejects.toThrow('The file is missing.');
  });

  it('passes only the payload to listeners, never the IPC event, and unsubscribes', () => {
    const f = fakeIpc();
    const bridge = createBridge(f.ipc);
    const got: unknown[][] = [];
    const off = bridge.onEvent((...args: unknown[]) => got.push(args));
    f.emit('sluice:event', { type: 'menuCommand', command: 'file.new' });
    off();
    f.emit('sluice:event', { type: 'menuCommand', command: 'file.save' });
    expect(got).toEqual([[{ type: 'menuCommand', command: 'file.new' }]]);
    expect(f.count('sluice:event')).toBe(0);
  });

  it('tells main once that the page listens, so queued commands can be delivered', () => {
    const f = fakeIpc();
    const bridge = createBridge(f.ipc);
    bridge.onEvent(() => {});
    bridge.onEvent(() => {});
    expect(f.invoked).toEqual([['sluice:call', 'ready', []]]);
  });
});
