import type { ServerChannel } from './Channel.js';
import { describeError } from './describeError.js';
import type { ClientMessage, MessagePortLike, ServerMessage } from './wireProtocol.js';
import { UNATTRIBUTED_CALL_ID } from './wireProtocol.js';

export interface ServePortOptions<Event> {
  /** The calls' receiver: `fromService(schema, service)`, which checks every call. */
  channel: ServerChannel;
  /** The protocol version this server speaks; a client saying another one is refused. */
  version: number;
  /** Events pushed to the client once it said hello, until `close()`. */
  events?: (listener: (event: Event) => void) => () => void;
  /**
   * Subscribe to `events` at once and push them even before the hello: for a trusted peer
   * that must not miss an event sent while its hello is on its way (main, from the engine
   * process). An untrusted peer (a browser page) gets nothing before it said hello.
   */
  eventsBeforeHello?: boolean;
  /** The client speaks another version: nothing it sends can be understood (close the link). */
  onVersionMismatch?: () => void;
  /** Where failures that are bugs, not the user's doing, are logged with their stack. */
  log?: (line: string) => void;
}

/** The server's end of one link, fed by its transport. */
export interface PortServer {
  /** One message from the client, as decoded by the transport (untrusted: anything). */
  receive(message: unknown): void;
  /** Answer a message the transport could not decode at all (not JSON, binary). */
  refuse(error: string): void;
  /** The link is gone: stop pushing events. */
  close(): void;
}

/**
 * Serve a channel on one message port (the web host's WebSocket, the engine's utility process):
 * 1. Wait for `hello` with our version and answer `welcome`; a call before it is refused, and
 *    another version is refused and reported, since nothing more can be understood.
 * 2. Answer each `call` with a `result` from the channel; a malformed call gets an error result
 *    (naming its id when it has one) and the link stays open.
 * 3. After hello, push every event until `close()`.
 * A user's error travels as its own sentence; any other failure is a bug: the peer gets its
 * first line, the log gets the stack. An answer the port cannot encode becomes an error answer.
 */
export function servePort<Event>(
  port: MessagePortLike<ServerMessage<Event>>,
  options: ServePortOptions<Event>,
): PortServer {
  let welcomed = false;
  let unsubscribe: (() => void) | null = null;
  let closed = false;

  const send = (message: ServerMessage<Event>): void => {
    if (closed) return;
    try {
      port.send(message);
    } catch (err) {
      if (message.type !== 'result') return;
      const error = `The engine's answer could not be sent: ${describeError(err).message}`;
      port.send({ type: 'result', id: message.id, ok: false, error });
    }
  };
  const subscribe = (): void => {
    if (options.events) unsubscribe = options.events((event) => send({ type: 'event', event }));
  };
  const fail = (id: number | null, error: string): void =>
    send({ type: 'result', id: id ?? UNATTRIBUTED_CALL_ID, ok: false, error });

  const hello = (version: unknown): void => {
    if (version !== options.version) {
      fail(
        null,
        `The editor speaks protocol version ${String(version)} but this host speaks version ${options.version}; reload the page.`,
      );
      options.onVersionMismatch?.();
      return;
    }
    if (!welcomed && !unsubscribe) subscribe();
    welcomed = true;
    send({ type: 'welcome', version: options.version });
  };

  const call = (message: Record<string, unknown>): void => {
    const id = message.id;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
      return fail(null, 'A call needs a whole, non-negative number "id".');
    }
    if (!welcomed) return fail(id, 'Say hello first: the host needs the protocol version before any call.');
    const method = message.method;
    options.channel.call(method, message.args).then(
      (value) => send(value === undefined ? { type: 'result', id, ok: true } : { type: 'result', id, ok: true, value }),
      (err: unknown) => {
        const { message: text, isUserError } = describeError(err);
        if (!isUserError) {
          options.log?.(`${String(method)} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        }
        fail(id, text);
      },
    );
  };

  if (options.eventsBeforeHello) subscribe();
  return {
    receive(raw) {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        return fail(null, 'The message must be a JSON object with a "type".');
      }
      const message = raw as Record<string, unknown> & Partial<ClientMessage>;
      if (message.type === 'hello') return hello(message.version);
      if (message.type === 'call') return call(message);
      fail(null, `Unknown message type ${JSON.stringify(message.type) ?? 'undefined'}; expected "hello" or "call".`);
    },
    refuse(error) {
      fail(null, error);
    },
    close() {
      closed = true;
      unsubscribe?.();
      unsubscribe = null;
    },
  };
}
