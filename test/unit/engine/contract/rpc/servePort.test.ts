import { describe, expect, it } from 'vitest';
import { UserError } from '../../../../../engine/contract/operator.js';
import { string } from '../../../../../engine/contract/rpc/check.js';
import { fromService } from '../../../../../engine/contract/rpc/fromService.js';
import { method, voidMethod } from '../../../../../engine/contract/rpc/method.js';
import { servePort } from '../../../../../engine/contract/rpc/servePort.js';
import type { ServerMessage } from '../../../../../engine/contract/rpc/wireProtocol.js';

const SCHEMA = {
  echo: method<(text: string) => Promise<string>>(['text', string(100)]),
  forget: voidMethod<(text: string) => Promise<void>>(['text', string(100)]),
  refuse: method<() => Promise<string>>(),
  crash: method<() => Promise<string>>(),
  cyclic: method<() => Promise<object>>(),
};

/** A server over an in-memory port, with a service whose answers a test can predict. */
function harness() {
  const sent: Array<ServerMessage<string>> = [];
  const logged: string[] = [];
  const listeners = new Set<(e: string) => void>();
  let mismatches = 0;
  const service = {
    echo: async (text: string) => text,
    forget: async () => undefined,
    refuse: async (): Promise<string> => {
      throw new UserError('The file is missing.');
    },
    crash: async (): Promise<string> => {
      throw new TypeError("Cannot read properties of undefined (reading 'x')\n    at secret/path.js:1");
    },
    cyclic: async () => {
      const a: Record<string, unknown> = {};
      a.self = a;
      return a;
    },
  };
  const server = servePort<string>(
    {
      // Encode as the WebSocket does, so an unencodable answer throws here.
      send: (m) => void sent.push(JSON.parse(JSON.stringify(m)) as ServerMessage<string>),
    },
    {
      channel: fromService(SCHEMA, service),
      version: 3,
      events: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      onVersionMismatch: () => mismatches++,
      log: (line) => logged.push(line),
    },
  );
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return {
    server,
    sent,
    logged,
    listeners,
    mismatches: () => mismatches,
    settle,
    emit: (e: string) => listeners.forEach((l) => l(e)),
  };
}

describe('servePort', () => {
  it('welcomes a hello with its version and answers calls after it', async () => {
    const h = harness();
    h.server.receive({ type: 'hello', version: 3 });
    h.server.receive({ type: 'call', id: 1, method: 'echo', args: ['hi'] });
    await h.settle();
    expect(h.sent).toEqual([
      { type: 'welcome', version: 3 },
      { type: 'result', id: 1, ok: true, value: 'hi' },
    ]);
  });

  it('asks for hello before any call', async () => {
    const h = harness();
    h.server.receive({ type: 'call', id: 1, method: 'echo', args: ['hi'] });
    await h.settle();
    expect(h.sent).toEqual([
      {
        type: 'result',
        id: 1,
        ok: false,
        error: 'Say hello first: the host needs the protocol version before any call.',
      },
    ]);
  });

  it('refuses another protocol version, says which, and reports it so the link can close', () => {
    const h = harness();
    h.server.receive({ type: 'hello', version: 2 });
    expect(h.sent).toEqual([
      {
        type: 'result',
        id: -1,
        ok: false,
        error: 'The editor speaks protocol version 2 but this host speaks version 3; reload the page.',
      },
    ]);
    expect(h.mismatches()).toBe(1);
  });

  it('answers malformed messages with a clear error, naming the call when it has an id, and keeps going', async () => {
    const h = harness();
    h.server.receive({ type: 'hello', version: 3 });
    h.server.receive([1, 2]);
    h.server.receive(null);
    h.server.receive({ type: 'exec' });
    h.server.receive({ type: 'call', id: 'x', method: 'echo', args: ['a'] });
    h.server.receive({ type: 'call', id: -3, method: 'echo', args: ['a'] });
    h.server.receive({ type: 'call', id: 7, method: 'subscribe', args: [] });
    h.server.receive({ type: 'call', id: 8, method: 'echo', args: [5] });
    h.server.refuse('The message is not valid JSON.');
    h.server.receive({ type: 'call', id: 9, method: 'echo', args: ['still here'] });
    await h.settle();
    expect(h.sent.slice(1)).toEqual([
      { type: 'result', id: -1, ok: false, error: 'The message must be a JSON object with a "type".' },
      { type: 'result', id: -1, ok: false, error: 'The message must be a JSON object with a "type".' },
      { type: 'result', id: -1, ok: false, error: 'Unknown message type "exec"; expected "hello" or "call".' },
      { type: 'result', id: -1, ok: false, error: 'A call needs a whole, non-negative number "id".' },
      { type: 'result', id: -1, ok: false, error: 'A call needs a whole, non-negative number "id".' },
      { type: 'result', id: -1, ok: false, error: 'The message is not valid JSON.' },
      { type: 'result', id: 7, ok: false, error: 'Unknown method "subscribe".' },
      { type: 'result', id: 8, ok: false, error: 'The "text" argument of echo must be a string, not a number.' },
      { type: 'result', id: 9, ok: true, value: 'still here' },
    ]);
    expect(h.logged).toEqual([]);
  });

  it("sends a user's error as its sentence, and a bug as its first line while the log gets the stack", async () => {
    const h = harness();
    h.server.receive({ type: 'hello', version: 3 });
    h.server.receive({ type: 'call', id: 1, method: 'refuse', args: [] });
    h.server.receive({ type: 'call', id: 2, method: 'crash', args: [] });
    await h.settle();
    expect(h.sent.slice(1)).toEqual([
      { type: 'result', id: 1, ok: false, error: 'The file is missing.' },
      {
        type: 'result',
        id: 2,
        ok: false,
        error: "The engine failed: Cannot read properties of undefined (reading 'x')",
      },
    ]);
    expect(h.logged).toHaveLength(1);
    expect(h.logged[0]).toMatch(/^crash failed: TypeError/);
  });

  it('answers a void method with no value, and an answer it cannot encode with an error', async () => {
    const h = harness();
    h.server.receive({ type: 'hello', version: 3 });
    h.server.receive({ type: 'call', id: 1, method: 'forget', args: ['x'] });
    h.server.receive({ type: 'call', id: 2, method: 'cyclic', args: [] });
    await h.settle();
    expect(h.sent[1]).toEqual({ type: 'result', id: 1, ok: true });
    expect(h.sent[2]).toMatchObject({ type: 'result', id: 2, ok: false });
    expect((h.sent[2] as { error: string }).error).toMatch(/^The engine's answer could not be sent: /);
  });

  it('pushes events only after hello, once however often hello comes, and none after close', () => {
    const h = harness();
    h.emit('before');
    h.server.receive({ type: 'hello', version: 3 });
    h.server.receive({ type: 'hello', version: 3 });
    h.emit('during');
    h.server.close();
    h.emit('after');
    expect(h.sent.filter((m) => m.type === 'event')).toEqual([{ type: 'event', event: 'during' }]);
    expect(h.listeners.size).toBe(0);
  });
});
