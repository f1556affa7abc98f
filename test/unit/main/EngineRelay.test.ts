import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../engine/contract/EngineApi.js';
import { EngineRelay } from '../../../main/EngineRelay.js';
import { FakeEngineApi, inMemoryEngine } from './fakeEngineApi.js';

const graph = { format: 'sluice/graph' as const, version: 1, name: 'g', nodes: [], edges: [] };
const tick = () => new Promise((r) => setTimeout(r, 5));

function setup(options: { maxRestarts?: number; keychain?: () => Promise<Record<string, string>> } = {}) {
  const apis: FakeEngineApi[] = [];
  const children: Array<ReturnType<typeof inMemoryEngine>> = [];
  const events: RunEvent[] = [];
  const relay = new EngineRelay({
    spawn: () => {
      const api = new FakeEngineApi();
      const child = inMemoryEngine(api);
      apis.push(api);
      children.push(child);
      return child;
    },
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { relay, apis, children, events };
}

describe('EngineRelay', () => {
  it('forwards a call to the engine process and resolves with its answer', async () => {
    const { relay, apis } = setup();
    await expect(relay.call('startRun', [{ graph }])).resolves.toEqual({ runId: 'run-1' });
    expect(apis[0]?.calls).toEqual([{ method: 'startRun', args: [{ graph }] }]);
  });

  it("rejects with the engine's own sentence when a call fails", async () => {
    const { relay } = setup();
    await expect(relay.call('startRun', [{ graph: { ...graph, name: 'bad' } }])).rejects.toThrow(
      'Node "x" has an unknown type "nope".',
    );
  });

  it('matches concurrent answers to their calls by id', async () => {
    const { relay } = setup();
    const [a, b] = await Promise.all([relay.call('listExamples', []), relay.call('openFile', ['/g/a.sluice.json'])]);
    expect(a).toEqual([{ id: 'fraud', name: 'Fraud alerts', description: 'd' }]);
    expect(b).toEqual({ path: '/g/a.sluice.json', text: '{}' });
  });

  it('passes run events through', async () => {
    const { relay, apis, events } = setup();
    relay.start();
    apis[0]?.emit({ type: 'runStarted', runId: 'r1', graphName: 'g', resumedFrom: null });
    await tick();
    expect(events).toEqual([{ type: 'runStarted', runId: 'r1', graphName: 'g', resumedFrom: null }]);
  });

  it('when the engine crashes: fails calls in flight, reports live runs failed, and restarts it', async () => {
    const { relay, apis, children, events } = setup();
    relay.start();
    apis[0]?.emit({ type: 'runStarted', runId: 'r1', graphName: 'g', resumedFrom: null });
    await tick();
    const inFlight = relay.call('listExamples', []);
    children[0]?.crash(134);
    await expect(inFlight).rejects.toThrow(
      'The engine process stopped unexpectedly (exit code 134). It was restarted; try again.',
    );
    expect(events.slice(1)).toEqual([
      {
        type: 'runStatusChanged',
        runId: 'r1',
        status: 'failed',
        reason: 'The engine process stopped unexpectedly (exit code 134).',
      },
      {
        type: 'runEnded',
        runId: 'r1',
        status: 'failed',
        reason: 'The engine process stopped unexpectedly (exit code 134).',
      },
      expect.objectContaining({ type: 'logged', level: 'error', nodeId: null }),
    ]);
    expect(children).toHaveLength(2);
    await expect(relay.call('listExamples', [])).resolves.toHaveLength(1);
    expect(apis[1]?.calls.map((c) => c.method)).toEqual(['listExamples']);
  });

  it('does not report a run that already ended as failed after a crash', async () => {
    const { relay, apis, children, events } = setup();
    relay.start();
    apis[0]?.emit({ type: 'runStarted', runId: 'r1', graphName: 'g', resumedFrom: null });
    apis[0]?.emit({ type: 'runEnded', runId: 'r1', status: 'finished' });
    await tick();
    children[0]?.crash(1);
    expect(events.filter((e) => e.type === 'runStatusChanged')).toEqual([]);
  });

  it('gives up after repeated crashes instead of looping, and says so', async () => {
    const { relay, children, events } = setup({ maxRestarts: 2 });
    relay.start();
    children[0]?.crash(1);
    children[1]?.crash(1);
    children[2]?.crash(1);
    expect(children).toHaveLength(3);
    await expect(relay.call('listExamples', [])).rejects.toThrow(
      'The engine keeps crashing and was not restarted; restart Sluice.',
    );
    expect(events.at(-1)).toMatchObject({ type: 'logged', message: expect.stringContaining('stopped restarting it') });
  });

  it('sends granted folders to the engine, again after a restart', async () => {
    const { relay, apis, children } = setup();
    relay.start();
    relay.grantFolder('/home/u/graphs');
    await tick();
    expect(apis[0]?.granted).toEqual(['/home/u/graphs']);
    children[0]?.crash(1);
    await tick();
    expect(apis[1]?.granted).toEqual(['/home/u/graphs']);
  });

  it('hands the keychain’s secrets to the engine before any call, again after a change and after a restart', async () => {
    let secrets: Record<string, string> = { PG_PASSWORD: 'one' };
    const { relay, apis, children } = setup({ keychain: async () => secrets });
    await relay.call('startRun', [{ graph }]);
    expect(apis[0]?.keychains).toEqual([{ PG_PASSWORD: 'one' }]);
    // The hand-over came first, so the run could resolve its ${keychain:…}.
    expect(apis[0]?.calls.map((c) => c.method)).toEqual(['startRun']);
    secrets = { PG_PASSWORD: 'two' };
    await relay.keychainChanged();
    expect(apis[0]?.keychains).toEqual([{ PG_PASSWORD: 'one' }, { PG_PASSWORD: 'two' }]);
    children[0]?.crash(1);
    await relay.call('listExamples', []);
    expect(apis[1]?.keychains).toEqual([{ PG_PASSWORD: 'two' }]);
  });

  it('while the OS holds the decryption (a keychain prompt), only calls that resolve secrets wait', async () => {
    let release: (v: Record<string, string>) => void = () => undefined;
    const { relay, apis } = setup({ keychain: () => new Promise((resolve) => (release = resolve)) });
    await expect(relay.call('listExamples', [])).resolves.toBeDefined();
    const run = relay.call('startRun', [{ graph }]);
    await tick();
    expect(apis[0]?.calls.map((c) => c.method)).toEqual(['listExamples']);
    release({ PW: 'x' });
    await expect(run).resolves.toEqual({ runId: 'run-1' });
    expect(apis[0]?.keychains).toEqual([{ PW: 'x' }]);
  });

  it('without a keychain (it could not be read) calls still go through', async () => {
    const { relay, apis } = setup({ keychain: () => Promise.reject(new Error('damaged')) });
    await expect(relay.call('startRun', [{ graph }])).resolves.toEqual({ runId: 'run-1' });
    expect(apis[0]?.keychains).toEqual([]);
  });

  it('on dispose kills the process, fails calls in flight, and does not restart', async () => {
    const { relay, children } = setup();
    const inFlight = relay.call('listExamples', []);
    relay.dispose();
    await expect(inFlight).rejects.toThrow('Sluice is shutting down.');
    expect(children[0]?.killed).toBe(true);
    children[0]?.crash(0);
    expect(children).toHaveLength(1);
  });
});
