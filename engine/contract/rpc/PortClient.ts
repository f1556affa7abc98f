import type { Channel } from './Channel.js';
import type { ClientMessage, MessagePortLike, ServerMessage } from './wireProtocol.js';

export interface PortClientOptions<Event> {
  /** The protocol version this client speaks; the server's welcome must carry the same. */
  version: number;
  /** Every event the server pushes. */
  onEvent?: (event: Event) => void;
  /** The server welcomed this client: the link is usable. */
  onWelcome?: () => void;
  /**
   * The server speaks another version; the sentence says so. The transport should drop the
   * calls and give up the link; without this handler the calls are dropped with the sentence.
   */
  onVersionMismatch?: (reason: string) => void;
  /** An error the server could not attribute to a call (a garbled message). */
  onNotice?: (message: string) => void;
  /**
   * Send calls right behind the hello instead of holding them for the welcome: for a server
   * from the same build (main's engine process), whose version cannot differ, on an ordered
   * port. Saves the round trip before the first call.
   */
  pipelined?: boolean;
}

interface PendingCall {
  method: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * The client's end of one link over a message port (the counterpart of `servePort`); the
 * transport owns the link itself (opening, reconnecting, restarting) and feeds this.
 * 1. `open()` says hello; calls made before the welcome wait, in order, and go out with it
 *    (or right behind the hello, `pipelined`).
 * 2. Each call gets an id; its promise settles with the matching `result` (rejected with the
 *    server's one-sentence message).
 * 3. `event` messages go to `onEvent`.
 * 4. `dropCalls` rejects every call in flight or waiting, when the link is lost.
 */
export class PortClient<Event = unknown> implements Channel {
  private readonly pending = new Map<number, PendingCall>();
  /** Calls made before the welcome, sent in order once it arrives. */
  private waiting: Array<Extract<ClientMessage, { type: 'call' }>> = [];
  private welcomed = false;
  private nextId = 1;

  constructor(
    private readonly port: MessagePortLike<ClientMessage>,
    private readonly options: PortClientOptions<Event>,
  ) {}

  /** The link is up: say hello. */
  open(): void {
    this.port.send({ type: 'hello', version: this.options.version });
    if (this.options.pipelined) this.welcome();
  }

  call(method: string, args: unknown[]): Promise<unknown> {
    const message: Extract<ClientMessage, { type: 'call' }> = { type: 'call', id: this.nextId++, method, args };
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(message.id, { method, resolve, reject });
      if (this.welcomed) this.transmit(message);
      else this.waiting.push(message);
    });
  }

  /** One message from the server, as decoded by the transport. */
  receive(data: unknown): void {
    const message = data as ServerMessage<Event> | null;
    switch (message?.type) {
      case 'welcome':
        if (message.version !== this.options.version) {
          const reason = `The Sluice host speaks protocol version ${String(message.version)}, this page version ${this.options.version}; reload the page.`;
          if (this.options.onVersionMismatch) this.options.onVersionMismatch(reason);
          else this.dropCalls(() => reason);
          return;
        }
        this.options.onWelcome?.();
        this.welcome();
        return;
      case 'result': {
        const call = this.pending.get(message.id);
        if (!call) {
          if (!message.ok) this.options.onNotice?.(message.error);
          return;
        }
        this.pending.delete(message.id);
        if (message.ok) call.resolve(message.value);
        else call.reject(new Error(message.error));
        return;
      }
      case 'event':
        this.options.onEvent?.(message.event);
        return;
      default:
        return;
    }
  }

  /** Reject every call in flight or waiting with `reason(method)`; the link is gone. */
  dropCalls(reason: (method: string) => string): void {
    const calls = [...this.pending.values()];
    this.pending.clear();
    this.waiting = [];
    this.welcomed = false;
    for (const call of calls) call.reject(new Error(reason(call.method)));
  }

  private welcome(): void {
    this.welcomed = true;
    for (const call of this.waiting.splice(0)) this.transmit(call);
  }

  private transmit(message: Extract<ClientMessage, { type: 'call' }>): void {
    try {
      this.port.send(message);
    } catch (err) {
      // Arguments the port cannot encode (a cycle, a function) fail this call only.
      const call = this.pending.get(message.id);
      this.pending.delete(message.id);
      call?.reject(
        new Error(
          `The arguments of ${message.method} cannot be sent: ${err instanceof Error ? err.message : String(err)}`,
        ),
      );
    }
  }
}
