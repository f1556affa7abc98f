import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../../engine/contract/EngineApi.js';
import { IpcEngineClient, desktopBridge } from '../../../../renderer/api/IpcEngineClient.js';
import type { BridgeEvent, SluiceBridge } from '../../../../renderer/api/IpcEngineClient.js';

/** A stand-in for `window.sluice`: records calls, answers from a table, and lets a test push events. */
function fakeBridge(answers: Record<string, unknown> = {}) {
  const calls: Array<[string, unknown[]]> = [];
  const listeners = new Set<(e: BridgeEvent) => void>();
  const bridge: SluiceBridge = {
    async call(method, args) {
      calls.push([method, args]);
      if (method === 'openFile') throw new Error('Sluice may only use files in folders you opened.');
      return answers[method] ?? null;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  return {
    bridge,
    calls,
    push: (e: BridgeEvent) => listeners.forEach((l) => l(e)),
    listenerCount: () => listeners.size,
  };
}

const started: RunEvent = { type: 'runStarted', runId: 'r1', graphName: 'g', resumedFrom: null };

describe('IpcEngineClient', () => {
  it('calls the bridge with the method name and positional arguments', async () => {
    const f = fakeBridge({ startRun: { runId: 'r1' } });
    const client = new IpcEngineClient(f.bridge);
    await expect(
      client.startRun({ graph: { format: 'sluice/graph', version: 1, name: 'g', nodes: [], edges: [] } }),
    ).resolves.toEqual({ runId: 'r1' });
    await client.tapEdge('r1', 'e1', false);
    await client.listFiles();
    await client.listFiles('/g');
    expect(f.calls.slice(1)).toEqual([
      ['tapEdge', ['r1', 'e1', false]],
      ['listFiles', []],
      ['listFiles', ['/g']],
    ]);
  });

  it('resolves void methods with undefined, whatever came back', async () => {
    const client = new IpcEngineClient(fakeBridge({ stopRun: null }).bridge);
    await expect(client.stopRun('r1')).resolves.toBeUndefined();
  });

  it("rejects with main's one-sentence error", async () => {
    const client = new IpcEngineClient(fakeBridge().bridge);
    await expect(client.openFile('/etc/passwd')).rejects.toThrow('Sluice may only use files in folders you opened.');
  });

  it('delivers run events to subscribers and menu commands to menu listeners, each only its kind', () => {
    const f = fakeBridge();
    const client = new IpcEngineClient(f.bridge);
    const runs: RunEvent[] = [];
    const menus: unknown[] = [];
    client.subscribe((e) => runs.push(e));
    client.onMenuCommand((e) => menus.push(e));
    f.push(started);
    f.push({ type: 'menuCommand', command: 'file.open', path: '/g/a.sluice.json' });
    expect(runs).toEqual([started]);
    expect(menus).toEqual([{ type: 'menuCommand', command: 'file.open', path: '/g/a.sluice.json' }]);
  });

  it('shares one bridge listener and drops it when the last subscriber leaves', () => {
    const f = fakeBridge();
    const client = new IpcEngineClient(f.bridge);
    const off1 = client.subscribe(() => {});
    const off2 = client.onMenuCommand(() => {});
    expect(f.listenerCount()).toBe(1);
    off1();
    expect(f.listenerCount()).toBe(1);
    off2();
    expect(f.listenerCount()).toBe(0);
  });

  it('sends the desktop calls with their arguments', async () => {
    const f = fakeBridge({ showSaveDialog: '/g/x.sluice.json' });
    const client = new IpcEngineClient(f.bridge);
    await client.setTitle('x.sluice.json');
    await client.setDirty(true);
    await expect(client.showSaveDialog('x')).resolves.toBe('/g/x.sluice.json');
    await client.showOpenDialog('import');
    expect(f.calls).toEqual([
      ['setTitle', ['x.sluice.json']],
      ['setDirty', [true]],
      ['showSaveDialog', ['x', 'save']],
      ['showOpenDialog', ['import']],
    ]);
  });
});

describe('desktopBridge', () => {
  it('finds window.sluice only when it has call and onEvent', () => {
    const g = globalThis as { sluice?: unknown };
    expect(desktopBridge()).toBeNull();
    g.sluice = { call: 1 };
    expect(desktopBridge()).toBeNull();
    const bridge = fakeBridge().bridge;
    g.sluice = bridge;
    expect(desktopBridge()).toBe(bridge);
    delete g.sluice;
  });
});
