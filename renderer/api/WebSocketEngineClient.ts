import type { RunEvent, Unsubscribe } from '../../engine/contract/EngineApi.js';
import { ENGINE_API_VERSION } from '../../engine/contract/EngineApi.js';
import { ForwardingEngineApi } from './ForwardingEngineApi.js';
import type { ApiMethod, ClientMessage, HostMessage } from '../../engine/contract/wireProtocol.js';

/**
 * Where the link to the host stands, for the UI's "disconnected" banner.
 * - `connecting`: opening the socket or waiting for the host's welcome; calls are queued.
 * - `connected`: welcomed; calls go straight out.
 * - `disconnected`: the socket dropped; a reconnect is scheduled and calls fail fast.
 * - `failed`: the host speaks another protocol version; only reloading the page helps.
 * - `closed`: `close()` was called.
 */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

export interface ConnectionStatus {
  state: ConnectionState;
  /** Why the link is down, in one sentence (absent while fine). */
  reason?: string;
}

/** A value that changes, with a tiny listener set. */
export interface Observable<T> {
  get(): T;
  /** Called on every change (not with the current value). */
  subscribe(listener: (value: T) => void): () => void;
}

/**
 * The part of a WebSocket this client uses: the DOM's `WebSocket` and the `ws` package both fit.
 * Handler parameters are `never` so either library's event types are accepted.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface WebSocketEngineClientOptions {
  /** The API address; default `ws://<location.host>/api?token=<token in location.search>`. */
  url?: string;
  /** The socket class; default the browser's `WebSocket` (tests under Node pass `ws`'s). */
  WebSocket?: WebSocketConstructor;
  /** First reconnect delay, doubled after each failure up to `maxReconnectDelayMs`. */
  minReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Errors the host could not attribute to a call (a garbled message). */
  onNotice?: (message: string) => void;
}

/** The host's close code for a protocol version mismatch (engine/host/serveApiSocket.ts). */
const CLOSE_VERSION_MISMATCH = 4001;
const OPEN = 1;

interface PendingCall {
  method: ApiMethod;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * `EngineApi` over the web host's WebSocket (engine/contract/wireProtocol.ts).
 *
 * 1. Connect, say `hello`, wait for `welcome`; calls made meanwhile are queued.
 * 2. Each call gets an id; its promise settles with the matching `result` (rejected with the
 *    host's one-sentence message).
 * 3. `event` messages fan out to every `subscribe` listener; the subscription survives
 *    reconnects because the host pushes events to every welcomed socket.
 * 4. When the socket drops, calls in flight are rejected (their outcome is unknown) and the
 *    client reconnects with exponential backoff, saying hello again.
 */
export class WebSocketEngineClient extends ForwardingEngineApi {
  readonly connectionState: Observable<ConnectionStatus>;

  private readonly url: string;
  private readonly Socket: WebSocketConstructor;
  private readonly minDelay: number;
  private readonly maxDelay: number;
  private readonly onNotice: (message: string) => void;
  private status: ConnectionStatus = { state: 'connecting' };
  private readonly statusListeners = new Set<(value: ConnectionStatus) => void>();
  private readonly eventListeners = new Set<(event: RunEvent) => void>();
  private readonly pending = new Map<number, PendingCall>();
  /** Calls made before the welcome, sent in order once it arrives. */
  private queue: string[] = [];
  private socket: WebSocketLike | null = null;
  private welcomed = false;
  private nextId = 1;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: WebSocketEngineClientOptions = {}) {
    super();
    this.url = options.url ?? defaultUrl();
    const Socket = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Socket) throw new Error('This environment has no WebSocket; pass one to WebSocketEngineClient.');
    this.Socket = Socket;
    this.minDelay = options.minReconnectDelayMs ?? 250;
    this.maxDelay = options.maxReconnectDelayMs ?? 5000;
    this.onNotice = options.onNotice ?? (() => undefined);
    this.connectionState = {
      get: () => this.status,
      subscribe: (listener) => {
        this.statusListeners.add(listener);
        return () => {
          this.statusListeners.delete(listener);
        };
      },
    };
    this.connect();
  }

  subscribe(listener: (event: RunEvent) => void): Unsubscribe {
    this.eventListeners.add(listener);
    return () => {
      this.eventListeners.delete(listener);
    };
  }

  /** Close the socket for good: pending calls are rejected and no reconnect follows. */
  close(): void {
    if (this.status.state === 'closed') return;
    this.clearRetry();
    this.setStatus({ state: 'closed' });
    const socket = this.socket;
    this.socket = null;
    this.dropCalls('The connection to the Sluice host was closed.');
    socket?.close(1000, 'client closed');
  }

  protected send(method: ApiMethod, args: unknown[]): Promise<unknown> {
    const { state, reason } = this.status;
    if (state === 'closed' || state === 'failed' || state === 'disconnected') {
      const why =
        state === 'closed'
          ? 'The connection to the Sluice host was closed.'
          : (reason ?? 'Not connected to the Sluice host.');
      return Promise.reject(new Error(why));
    }
    const id = this.nextId++;
    const message: ClientMessage = { type: 'call', id, method, args };
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (err) {
      return Promise.reject(
        new Error(`The arguments of ${method} cannot be sent: ${err instanceof Error ? err.message : String(err)}`),
      );
    }
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject });
      if (this.welcomed && this.socket?.readyState === OPEN) this.socket.send(text);
      else this.queue.push(text);
    });
  }

  private connect(): void {
    this.retryTimer = null;
    this.welcomed = false;
    this.setStatus({ state: 'connecting' });
    let socket: WebSocketLike;
    try {
      socket = new this.Socket(this.url);
    } catch (err) {
      this.onSocketClosed(null, 0, err instanceof Error ? err.message : String(err));
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      const hello: ClientMessage = { type: 'hello', version: ENGINE_API_VERSION };
      socket.send(JSON.stringify(hello));
    };
    socket.onmessage = ((event: { data: unknown }) => {
      if (this.socket === socket) this.onMessage(event.data);
    }) as (event: never) => void;
    socket.onclose = ((event: { code: number; reason: string }) => {
      this.onSocketClosed(socket, event.code, event.reason);
    }) as (event: never) => void;
    // An error is always followed by close, which does the work.
    socket.onerror = () => undefined;
  }

  private onMessage(data: unknown): void {
    let message: HostMessage;
    try {
      message = JSON.parse(typeof data === 'string' ? data : String(data)) as HostMessage;
    } catch {
      return;
    }
    switch (message?.type) {
      case 'welcome':
        if (message.version !== ENGINE_API_VERSION) {
          this.fail(
            `The Sluice host speaks protocol version ${String(message.version)}, this page version ${ENGINE_API_VERSION}; reload the page.`,
          );
          return;
        }
        this.welcomed = true;
        this.failures = 0;
        this.setStatus({ state: 'connected' });
        for (const text of this.queue) this.socket?.send(text);
        this.queue = [];
        return;
      case 'result': {
        const call = this.pending.get(message.id);
        if (!call) {
          if (!message.ok) this.onNotice(message.error);
          return;
        }
        this.pending.delete(message.id);
        if (message.ok) call.resolve(message.value);
        else call.reject(new Error(message.error));
        return;
      }
      case 'event':
        for (const listener of [...this.eventListeners]) {
          try {
            listener(message.event);
          } catch {
            // A failing listener must not starve the others.
          }
        }
        return;
      default:
        return;
    }
  }

  private onSocketClosed(socket: WebSocketLike | null, code: number, reason: string): void {
    if (socket !== null && this.socket !== socket) return;
    this.socket = null;
    this.welcomed = false;
    if (this.status.state === 'closed' || this.status.state === 'failed') return;
    if (code === CLOSE_VERSION_MISMATCH) {
      this.fail('The Sluice host speaks another protocol version; reload the page.');
      return;
    }
    const why = 'The connection to the Sluice host was lost; reconnecting.';
    this.dropCalls(why);
    const delay = Math.min(this.maxDelay, this.minDelay * 2 ** this.failures);
    this.failures++;
    this.setStatus({ state: 'disconnected', reason: reason ? `${why} (${reason})` : why });
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private fail(reason: string): void {
    this.clearRetry();
    this.setStatus({ state: 'failed', reason });
    this.dropCalls(reason);
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'protocol version mismatch');
  }

  private dropCalls(reason: string): void {
    const calls = [...this.pending.values()];
    this.pending.clear();
    this.queue = [];
    for (const call of calls) call.reject(new Error(`${call.method} did not finish: ${lowerFirst(reason)}`));
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private setStatus(status: ConnectionStatus): void {
    const prev = this.status;
    if (prev.state === status.state && prev.reason === status.reason) return;
    this.status = status;
    for (const listener of [...this.statusListeners]) listener(status);
  }
}

function defaultUrl(): string {
  const loc = (globalThis as { location?: { protocol: string; host: string; search: string } }).location;
  if (!loc) throw new Error('No page location to connect from; pass a url to WebSocketEngineClient.');
  const token = new URLSearchParams(loc.search).get('token');
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${loc.host}/api${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
