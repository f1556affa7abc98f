/**
 * The desktop path cannot drift from the web path: IpcEngineClient and the preload's bridge
 * satisfy EngineApi at compile time, and every method of API_METHODS, walked at run time
 * through IpcEngineClient → a bridge → main's validation → the engine process server, reaches
 * the engine with the same arguments, and passes the web host's validation too. (Both
 * validations are `checkCall` over the one schema table; main's table adds the desktop calls.)
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { BRIDGE_API, DESKTOP_METHODS } from '../../../engine/contract/DesktopApi.js';
import type { BridgeEvent as MainBridgeEvent } from '../../../engine/contract/DesktopApi.js';
import { API_METHODS, ENGINE_API } from '../../../engine/contract/EngineApi.js';
import type { ApiMethod, EngineApi } from '../../../engine/contract/EngineApi.js';
import { checkCall } from '../../../engine/contract/rpc/checkCall.js';
import { EngineRelay } from '../../../main/EngineRelay.js';
import { MENU_COMMANDS } from '../../../main/menuTemplate.js';
import type { MenuCommand as MainMenuCommand } from '../../../main/menuTemplate.js';
import { createBridge } from '../../../main/preloadBridge.js';
import type { SluiceBridge as PreloadBridge } from '../../../main/preloadBridge.js';
import { IpcEngineClient } from '../../../renderer/api/IpcEngineClient.js';
import type {
  BridgeEvent as RendererBridgeEvent,
  MenuCommand as RendererMenuCommand,
  SluiceBridge,
} from '../../../renderer/api/IpcEngineClient.js';
import { FakeEngineApi, inMemoryEngine } from './fakeEngineApi.js';

// Compile-time: both transports' shapes line up.
const _client: EngineApi = new IpcEngineClient(
  createBridge({ invoke: async () => ({ ok: true, value: null }), on: () => {}, removeListener: () => {} }),
);
const _preloadIsRendererBridge = (b: PreloadBridge): SluiceBridge => b;
const _rendererIsPreloadBridge = (b: SluiceBridge): PreloadBridge => b;
void [_client, _preloadIsRendererBridge, _rendererIsPreloadBridge];

/** Sample arguments for every method, as the editor would send them. A missing method fails to compile. */
const SAMPLES: Record<ApiMethod, unknown[]> = {
  validate: [{ format: 'sluice/graph', version: 1, name: 'g', nodes: [], edges: [] }],
  startRun: [
    {
      graph: { format: 'sluice/graph', version: 1, name: 'g', nodes: [], edges: [] },
      path: '/g/a.sluice.json',
      trusted: true,
    },
  ],
  previewRun: [
    { graph: { format: 'sluice/graph', version: 1, name: 'g', nodes: [], edges: [] }, path: '/g/a.sluice.json' },
  ],
  checkPaths: [{ graph: { format: 'sluice/graph', version: 1, name: 'g', nodes: [], edges: [] } }],
  startGroupRun: [
    {
      graph: { format: 'sluice/graph', version: 1, name: 'g', nodes: [], edges: [] },
      path: '/g/a.sluice.json',
      trusted: true,
      group: 'orders',
      natsUrl: 'nats://127.0.0.1:4222',
    },
  ],
  readGroup: [{ group: 'orders', natsUrl: 'nats://127.0.0.1:4222' }],
  checkTargets: [
    { graph: { format: 'sluice/graph', version: 1, name: 'g', nodes: [], edges: [] }, path: '/g/a.sluice.json' },
  ],
  stopRun: ['run-1'],
  crashRun: ['run-1'],
  replayDeadLetters: ['run-1', [1, 2]],
  tapEdge: ['run-1', 'e1', true],
  injectEvent: ['run-1', 'double', 'in', { key: 'k1', value: { seq: 1 } }],
  previewExpression: [{ expression: 'value.seq * 2', sample: { value: { seq: 1 } }, trusted: true }],
  listCheckpoints: [{ graphPath: '/g/a.sluice.json' }],
  listDeadLetters: [{ runId: 'run-1' }],
  listFiles: ['/g'],
  openFile: ['/g/a.sluice.json'],
  saveFile: ['/g/a.sluice.json', '{}'],
  listExamples: [],
  openExample: ['fraud'],
  loadSchemas: ['/g/a.sluice.json'],
  saveContract: ['/g/a.sluice.json', 'orders', [{ seq: 1 }]],
  testConnection: [{ kind: 'nats', url: 'nats://127.0.0.1:4222' }],
};

describe('desktop ↔ web contract', () => {
  it('types: menu commands and bridge events are the same in main and renderer', () => {
    expectTypeOf<RendererMenuCommand>().toEqualTypeOf<MainMenuCommand>();
    expectTypeOf<RendererBridgeEvent>().toEqualTypeOf<MainBridgeEvent>();
    expect(MENU_COMMANDS.length).toBeGreaterThan(0);
  });

  it('every EngineApi method travels IpcEngineClient → bridge → validation → engine process unchanged', async () => {
    const api = new FakeEngineApi();
    const relay = new EngineRelay({ spawn: () => inMemoryEngine(api), onEvent: () => {} });
    const seen: string[] = [];
    // A fake window.sluice: what the preload would send over IPC goes through main's own validation and relay.
    const bridge: SluiceBridge = {
      async call(method, args) {
        const checked = checkCall(BRIDGE_API, method, args);
        if (!checked.ok) throw new Error(checked.error);
        seen.push(checked.method);
        return relay.call(checked.method as ApiMethod, checked.args);
      },
      onEvent: () => () => {},
    };
    const client = new IpcEngineClient(bridge) as unknown as Record<ApiMethod, (...a: unknown[]) => Promise<unknown>>;
    for (const method of API_METHODS) {
      await client[method](...SAMPLES[method]);
    }
    expect(seen).toEqual([...API_METHODS]);
    expect(api.calls).toEqual(API_METHODS.map((method) => ({ method, args: SAMPLES[method] })));
    relay.dispose();
  });

  it("main's validation and the web host's accept the same calls", () => {
    for (const method of API_METHODS) {
      const web = checkCall(ENGINE_API, method, JSON.parse(JSON.stringify(SAMPLES[method])));
      expect(checkCall(BRIDGE_API, method, SAMPLES[method]).ok, method).toBe(true);
      expect(web.ok, method).toBe(true);
    }
  });

  it('desktop-only calls are not EngineApi methods (the web host has no window)', () => {
    for (const m of DESKTOP_METHODS) expect((API_METHODS as readonly string[]).includes(m)).toBe(false);
  });
});
