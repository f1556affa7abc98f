/**
 * How calls travel over a message port (the web host's WebSocket as JSON text, the desktop's
 * engine process as structured clones). One union per direction, discriminated on `type`,
 * plain data. The first message each way is the handshake, which carries the protocol version.
 */

/** Client → server. */
export type ClientMessage =
  { type: 'hello'; version: number } | { type: 'call'; id: number; method: string; args: unknown[] };

/** Server → client. A result for a void method may carry no `value`. */
export type ServerMessage<Event = unknown> =
  | { type: 'welcome'; version: number }
  | { type: 'result'; id: number; ok: true; value?: unknown }
  | { type: 'result'; id: number; ok: false; error: string }
  | { type: 'event'; event: Event };

/**
 * The call id a server answers with when it cannot tell which call a bad message was (not
 * JSON, no id). Real call ids are never negative, so a client shows it as a general notice.
 */
export const UNATTRIBUTED_CALL_ID = -1;

/** The close code of a WebSocket whose peer speaks another protocol version: reconnecting cannot help, reloading can. */
export const CLOSE_VERSION_MISMATCH = 4001;

/** One end of a message port, as the generic client and server see it. */
export interface MessagePortLike<Out> {
  /** Send one message; may throw if it cannot be encoded (a cycle, a BigInt). */
  send(message: Out): void;
}
