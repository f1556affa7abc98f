import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { RunEvent } from '../../../../engine/contract/index.js';
import { startWebHost } from '../../../../engine/host/WebHost.js';
import type { ConnectionStatus, WebSocketConstructor } from '../../../../renderer/api/WebSocketEngineClient.js';
import { WebSocketEngineClient } from '../../../../renderer/api/WebSocketEngineClient.js';
import { TOKEN, smallGraph, startFixture } from '../../engine/host/hostFixture.js';
import type { HostFixture } from '../../engine/host/hostFixture.js';

// Node 20 has no global WebSocket; the client takes the `ws` class instead.
const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;

let fx: HostFixture;
const clients: WebSocketEngineClient[] = [];

beforeEach(async () => {
  fx = await startFixture();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await fx.cleanup();
});

function connect(options: { url?: string; minReconnectDelayMs?: number } = {}): WebSocketEngineClient {
  const client = new WebSocketEngineClient({
    url: options.url ?? `ws://127.0.0.1:${fx.host.port}/api?token=${TOKEN}`,
    WebSocket: NodeWebSocket,
    minReconnectDelayMs: options.minReconnectDelayMs ?? 20,
    maxReconnectDelayMs: 100,
  });
  clients.push(client);
  return client;
}

function waitForState(client: WebSocketEngineClient, state: ConnectionStatus['state']): Promise<ConnectionStatus> {
  if (client.connectionState.get().state === state) return Promise.resolve(client.connectionState.get());
  return new Promise((resolve) => {
    const off = client.connectionState.subscribe((s) => {
      if (s.state === state) {
        off();
        resolve(s);
      }
    });
  });
}

describe('WebSocketEngineClient', () => {
  it('says hello, then reports connected', async () => {
    const client = connect();
    expect(client.connectionState.get().state).toBe('connecting');
    await waitForState(client, 'connected');
  });

  it('round-trips every kind of call through the real web host and engine service', async () => {
    const client = connect();
    // Queued before the welcome, sent after it.
    const examples = client.listExamples();
    expect((await examples).map((e) => e.id)).toEqual(['hello', 'escape']);
    expect(await client.openExample('hello')).toEqual({ text: '{"format":"sluice/graph"}' });

    const file = path.join(fx.project, 'g.sluice.json');
    await client.saveFile(file, JSON.stringify(smallGraph('Round trip')));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ name: 'Round trip' });
    expect(await client.listFiles()).toEqual([{ path: file, name: 'g.sluice.json', isDirectory: false }]);
    expect((await client.openFile(file)).text).toContain('Round trip');

    const problems = await client.validate('definitely not a graph');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.severity).toBe('error');
    expect(await client.listCheckpoints({ graphPath: file })).toEqual([]);
    expect(await client.listDeadLetters({ graphPath: file })).toEqual([]);
  });

  it('rejects a call with the host message', async () => {
    const client = connect();
    await expect(client.openFile('/etc/passwd')).rejects.toThrow('/etc/passwd is outside the folders you opened.');
    await expect(client.saveFile(path.join(fx.project, 'x.sh'), 'echo')).rejects.toThrow(
      /Only \.json files can be saved/,
    );
    await expect(client.stopRun('no-such-run')).rejects.toThrow('There is no run with id no-such-run.');
  });

  it('starts, taps and stops a run, fanning its events out to every subscriber', async () => {
    const client = connect();
    const seenA: RunEvent[] = [];
    const seenB: RunEvent[] = [];
    client.subscribe((e) => seenA.push(e));
    const offB = client.subscribe((e) => seenB.push(e));
    const file = path.join(fx.project, 'run.sluice.json');
    await client.saveFile(file, JSON.stringify(smallGraph('Run me')));
    const { runId } = await client.startRun({ graph: smallGraph('Run me') as never, path: file });
    const run = fx.runs[0];
    expect(run?.runId).toBe(runId);
    expect(run?.options.statePath).toBe(path.join(fx.project, '.sluice', 'Run me.db'));

    await client.tapEdge(runId, 'e1', true);
    expect(run?.taps).toEqual([['e1', true]]);
    run?.emit({ type: 'logged', runId, nodeId: null, level: 'info', message: 'hi' });
    // The host announces the run (with where it resumed from), then forwards its events.
    await expect.poll(() => seenB.length).toBe(2);
    offB();
    await client.stopRun(runId);
    await expect.poll(() => seenA.map((e) => e.type)).toEqual(['runStarted', 'logged', 'runEnded']);
    expect(seenB).toHaveLength(2);
  });

  it('reconnects with a new hello after the host goes away and comes back', async () => {
    const client = connect();
    await waitForState(client, 'connected');
    const port = fx.host.port;
    const disconnected = waitForState(client, 'disconnected');
    await fx.host.close();
    expect((await disconnected).reason).toMatch(/connection to the Sluice host was lost/);
    await expect(client.listExamples()).rejects.toThrow(/connection to the Sluice host was lost/);

    const again = await startWebHost({
      port,
      staticDir: fx.staticDir,
      service: fx.service,
      token: TOKEN,
      log: () => undefined,
    });
    try {
      await waitForState(client, 'connected');
      expect((await client.listExamples()).length).toBe(2);
    } finally {
      await again.close();
    }
  });

  it('rejects calls in flight when the connection drops', async () => {
    const client = connect({ minReconnectDelayMs: 10_000 });
    await waitForState(client, 'connected');
    const file = path.join(fx.project, 'g.sluice.json');
    await client.saveFile(file, JSON.stringify(smallGraph()));
    const { runId } = await client.startRun({ graph: smallGraph() as never, path: file });
    // A run that never stops keeps stopRun in flight until the socket drops.
    (fx.runs[0] as { stopHangs: boolean }).stopHangs = true;
    const pending = client.stopRun(runId);
    await new Promise((r) => setTimeout(r, 50));
    await fx.host.close();
    await expect(pending).rejects.toThrow(/^stopRun did not finish: the connection to the Sluice host was lost/);
  });

  it('keeps reconnecting while the token is refused, without ever connecting', async () => {
    const client = connect({ url: `ws://127.0.0.1:${fx.host.port}/api?token=wrong` });
    const states: string[] = [];
    client.connectionState.subscribe((s) => states.push(s.state));
    await expect.poll(() => states.filter((s) => s === 'disconnected').length).toBeGreaterThanOrEqual(2);
    expect(states).not.toContain('connected');
  });

  it('fails for good when the host speaks another protocol version', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (ws) => ws.on('message', () => ws.send(JSON.stringify({ type: 'welcome', version: 99 }))));
    await new Promise((r) => server.once('listening', r));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const client = connect({ url: `ws://127.0.0.1:${port}/api` });
      const failed = await waitForState(client, 'failed');
      expect(failed.reason).toMatch(/version 99.*reload the page/);
      await expect(client.listExamples()).rejects.toThrow(/reload the page/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('rejects every call after close and stops reconnecting', async () => {
    const client = connect();
    await waitForState(client, 'connected');
    client.close();
    expect(client.connectionState.get().state).toBe('closed');
    await expect(client.listExamples()).rejects.toThrow('The connection to the Sluice host was closed.');
  });
});
