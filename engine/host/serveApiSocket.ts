import type { WebSocket } from 'ws';
import type { EngineApi } from '../contract/index.js';
import { ENGINE_API_VERSION } from '../contract/EngineApi.js';
import type { ApiMethod, HostMessage } from '../contract/wireProtocol.js';
import { describeError } from './describeError.js';
import { parseClientMessage } from './parseClientMessage.js';

/**
 * The call id the host answers with when it cannot tell which call a bad message was (not JSON,
 * no id). Real call ids are never negative, so a client can show it as a general notice.
 */
export const UNATTRIBUTED_CALL_ID = -1;

/** Close code for a protocol version mismatch: reconnecting cannot help, reloading can. */
export const CLOSE_VERSION_MISMATCH = 4001;

/**
 * Serve `EngineApi` on one WebSocket (the wire protocol of engine/contract/wireProtocol.ts):
 * 1. Wait for `hello` with our version; anything else first is answered with an error, and a
 *    wrong version closes the socket with a reason.
 * 2. Answer each `call` with a `result`, after checking its shape and argument types; a bad
 *    message gets an error result and the connection stays open.
 * 3. Push every run event to the client until the socket closes.
 */
export function serveApiSocket(socket: WebSocket, api: EngineApi, log: (line: string) => void): void {
  let unsubscribe: (() => void) | null = null;

  const send = (message: HostMessage): void => {
    if (socket.readyState !== socket.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (err) {
      // A result that is not JSON (a cycle, a BigInt) is the engine's bug; the caller still gets an answer.
      if (message.type !== 'result') return;
      text = JSON.stringify({
        type: 'result',
        id: message.id,
        ok: false,
        error: `The engine's answer could not be sent: ${describeError(err).message}`,
      });
    }
    socket.send(text);
  };
  const fail = (id: number | null, error: string): void =>
    send({ type: 'result', id: id ?? UNATTRIBUTED_CALL_ID, ok: false, error });

  socket.on('message', (data, isBinary) => {
    if (isBinary) return fail(null, 'Binary messages are not understood; send JSON text.');
    const raw = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data as ArrayBuffer).toString('utf8');
    const parsed = parseClientMessage(raw, ENGINE_API_VERSION);
    if (!parsed.ok) {
      if (parsed.fatal) {
        fail(null, parsed.error);
        socket.close(CLOSE_VERSION_MISMATCH, 'protocol version mismatch; reload the page');
        return;
      }
      return fail(parsed.id, parsed.error);
    }
    const message = parsed.message;
    if (message.type === 'hello') {
      if (unsubscribe === null) unsubscribe = api.subscribe((event) => send({ type: 'event', event }));
      send({ type: 'welcome', version: ENGINE_API_VERSION });
      return;
    }
    if (unsubscribe === null)
      return fail(message.id, 'Say hello first: the host needs the protocol version before any call.');
    void call(api, message.method, message.args).then(
      (value) => send({ type: 'result', id: message.id, ok: true, value }),
      (err: unknown) => {
        const { message: text, isUserError } = describeError(err);
        if (!isUserError)
          log(`${message.method} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        fail(message.id, text);
      },
    );
  });

  socket.on('close', () => {
    unsubscribe?.();
    unsubscribe = null;
  });
  socket.on('error', () => {
    // The close event follows; nothing to tell a peer that is gone.
  });
}

async function call(api: EngineApi, method: ApiMethod, args: unknown[]): Promise<unknown> {
  const fn = api[method] as (...a: unknown[]) => Promise<unknown>;
  return fn.apply(api, args);
}
