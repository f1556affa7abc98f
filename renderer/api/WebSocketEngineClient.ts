import type { RunEvent, Unsubscribe } from '../../engine/contract/EngineApi.js';
import { ENGINE_API, ENGINE_API_VERSION } from '../../engine/contract/EngineApi.js';
import { PortClient } from '../../engine/contract/rpc/PortClient.js';
import { serviceClient } from '../../engine/contract/rpc/toService.js';
import { CLOSE_VERSION_MISMATCH } from '../../engine/contract/rpc/wireProtocol.js';

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

const OPEN = 1;

/**
 * `EngineApi` over the web host's WebSocket: the generic port client (engine/contract/rpc/
 * PortClient.ts) with JSON text as its encoding, and the link's own life around it.
 *
 * 1. Connect; the port client says `hello` and holds calls until the `welcome`.
 * 2. `event` messages fan out to every `subscribe` listener; the subscription survives
 *    reconnects because the host pushes events to every welcomed socket.
 * 3. When the socket drops, calls in flight are rejected (their outcome is unknown), calls
 *    made while it is down fail at once, and the client reconnects with exponential backoff.
 * 4. A host of another protocol version fails the link for good: only reloading helps.
 */
export class WebSocketEngineClient extends serviceClient(ENGINE_API) {
  readonly connectionState: Observable<ConnectionStatus>;

  private readonly url: string;
  private readonly Socket: WebSocketConstructor;
  private readonly minDelay: number;
  private readonly maxDelay: number;
  private readonly onNotice: (message: string) => void;
  private status: ConnectionStatus = { state: 'connecting' };
  private readonly statusListeners = new Set<(value: ConnectionStatus) => void>();
  private readonly eventListeners = new Set<(event: RunEvent) => void>();
  private socket: WebSocketLike | null = null;
  /** The current link's calls; a new one per socket. */
  private port: PortClient<RunEvent> | null = null;
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

  protected send(method: string, args: unknown[]): Promise<unknown> {
    const { state, reason } = this.status;
    if (state === 'closed' || state === 'failed' || state === 'disconnected' || !this.port) {
      const why =
        state === 'closed'
          ? 'The connection to the Sluice host was closed.'
          : (reason ?? 'Not connected to the Sluice host.');
      return Promise.reject(new Error(why));
    }
    return this.port.call(method, args);
  }

  private connect(): void {
    this.retryTimer = null;
    this.setStatus({ state: 'connecting' });
    let socket: WebSocketLike;
    try {
      socket = new this.Socket(this.url);
    } catch (err) {
      this.onSocketClosed(null, 0, err instanceof Error ? err.message : String(err));
      return;
    }
    this.socket = socket;
    const port = new PortClient<RunEvent>(
      { send: (message) => socket.readyState === OPEN && socket.send(JSON.stringify(message)) },
      {
        version: ENGINE_API_VERSION,
        onEvent: (event) => this.emit(event),
        onWelcome: () => {
          this.failures = 0;
          this.setStatus({ state: 'connected' });
        },
        onVersionMismatch: (why) => this.fail(why),
        onNotice: this.onNotice,
      },
    );
    this.port = port;
    socket.onopen = () => {
      if (this.socket === socket) port.open();
    };
    socket.onmessage = ((event: { data: unknown }) => {
      if (this.socket !== socket) return;
      let message: unknown;
      try {
        message = JSON.parse(typeof event.data === 'string' ? event.data : String(event.data));
      } catch {
        return; // Not JSON, so not from our host: nothing to answer.
      }
      port.receive(message);
    }) as (event: never) => void;
    socket.onclose = ((event: { code: number; reason: string }) => {
      this.onSocketClosed(socket, event.code, event.reason);
    }) as (event: never) => void;
    // An error is always followed by close, which does the work.
    socket.onerror = () => undefined;
  }

  private emit(event: RunEvent): void {
    for (const listener of [...this.eventListeners]) {
      try {
        listener(event);
      } catch {
        // A failing listener must not starve the others.
      }
    }
  }

  private onSocketClosed(socket: WebSocketLike | null, code: number, reason: string): void {
    if (socket !== null && this.socket !== socket) return;
    this.socket = null;
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

  /** Calls in flight or waiting: their outcome is unknown, so they fail with why. */
  private dropCalls(reason: string): void {
    const port = this.port;
    this.port = null;
    port?.dropCalls((method) => `${method} did not finish: ${lowerFirst(reason)}`);
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
