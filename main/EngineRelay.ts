import { ENGINE_API_VERSION } from '../engine/contract/EngineApi.js';
import type { RunEvent } from '../engine/contract/EngineApi.js';
import type { Channel } from '../engine/contract/rpc/Channel.js';
import { PortClient } from '../engine/contract/rpc/PortClient.js';
import { toService } from '../engine/contract/rpc/toService.js';
import type { ClientMessage, ServerMessage } from '../engine/contract/rpc/wireProtocol.js';
import { ENGINE_PROCESS_API } from './engineProcessApi.js';

/** The engine calls that resolve `${keychain:…}`, which wait for the secrets of a new engine process. */
const USES_KEYCHAIN = new Set([
  'validate',
  'startRun',
  'startGroupRun',
  'previewRun',
  'testConnection',
  'checkTargets',
]);

/** Main's view of the engine process: Electron's `UtilityProcess`, narrowed to what the relay uses. */
export interface EngineChild {
  postMessage(message: ClientMessage): void;
  onMessage(listener: (message: ServerMessage<RunEvent>) => void): void;
  onExit(listener: (code: number) => void): void;
  kill(): void;
}

export interface EngineRelayOptions {
  /** Start a new engine process. */
  spawn: () => EngineChild;
  /** Every run event from the engine, plus the failures the relay reports when the engine dies. */
  onEvent: (event: RunEvent) => void;
  /**
   * The OS keychain's secrets, decrypted, for a new engine process (and after each change:
   * `keychainChanged`). Asked each time, so main keeps no decrypted copy of its own.
   */
  keychain?: () => Promise<Record<string, string>>;
  /** Restarts allowed within `restartWindowMs` before the relay gives up (a crash loop). */
  maxRestarts?: number;
  restartWindowMs?: number;
  now?: () => number;
}

/**
 * Main's end of the engine process: a channel to it (the generic port client over the
 * process's port), which restarts the process when it dies.
 *
 * When the engine dies:
 * 1. every call in flight is rejected with a sentence (the renderer shows it);
 * 2. every run that was live is reported `failed` (`runStatusChanged` then `runEnded`), and a
 *    `logged` error says why, so the run view does not wait forever;
 * 3. a new process is spawned, unless it already died `maxRestarts` times within
 *    `restartWindowMs` (then calls fail with a sentence until the app restarts).
 */
export class EngineRelay implements Channel {
  private child: EngineChild | null = null;
  private client: PortClient<RunEvent> | null = null;
  private readonly liveRuns = new Set<string>();
  /** Folders granted so far, sent again to a restarted engine. */
  private readonly folders = new Set<string>();
  private crashes: number[] = [];
  /** The keychain's hand-over to a new engine process, while it is under way. */
  private keychainSending: Promise<void> | null = null;
  private disposed = false;
  private gaveUp = false;
  private readonly maxRestarts: number;
  private readonly restartWindowMs: number;
  private readonly now: () => number;

  constructor(private readonly options: EngineRelayOptions) {
    this.maxRestarts = options.maxRestarts ?? 3;
    this.restartWindowMs = options.restartWindowMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Spawn the engine process (idempotent). */
  start(): void {
    if (this.child || this.disposed) return;
    const child = this.options.spawn();
    const client = new PortClient<RunEvent>(
      { send: (message) => child.postMessage(message) },
      // The engine process comes from this build: calls may follow the hello without waiting.
      { version: ENGINE_API_VERSION, pipelined: true, onEvent: (event) => this.forward(event) },
    );
    this.child = child;
    this.client = client;
    child.onMessage((message) => client.receive(message));
    child.onExit((code) => this.exited(child, code));
    client.open();
    for (const folder of this.folders) this.sendGrant(folder);
    if (this.options.keychain) {
      // Calls wait for it: a run right after a restart must find its secrets there.
      const sending = this.keychainChanged()
        .catch(() => undefined)
        .finally(() => {
          if (this.keychainSending === sending) this.keychainSending = null;
        });
      this.keychainSending = sending;
    }
  }

  /**
   * Hand the engine process the keychain's secrets as they are now. Resolves once the engine
   * has them: a run started afterwards resolves the new values (calls keep their order).
   */
  async keychainChanged(): Promise<void> {
    if (!this.options.keychain || !this.client) return;
    const secrets = await this.options.keychain();
    const client = this.client;
    // Straight to the port, not through `call` (which waits for this very hand-over).
    if (client) await client.call('setKeychainSecrets', [secrets]);
  }

  /** Let the engine's file policy reach `folder` too (now and after any restart). */
  grantFolder(folder: string): void {
    this.folders.add(folder);
    if (this.client) this.sendGrant(folder);
  }

  /** Forward one call; resolves with the engine's value or rejects with its sentence. */
  call(method: string, args: unknown[]): Promise<unknown> {
    if (this.gaveUp) {
      return Promise.reject(new Error('The engine keeps crashing and was not restarted; restart Sluice.'));
    }
    if (this.disposed) return Promise.reject(new Error('Sluice is shutting down.'));
    this.start();
    const client = this.client as PortClient<RunEvent>;
    // Only calls that resolve `${keychain:…}` wait: the OS may hold the decryption for a prompt.
    if (!this.keychainSending || !USES_KEYCHAIN.has(method)) return client.call(method, args);
    return this.keychainSending.then(() =>
      this.client
        ? this.client.call(method, args)
        : Promise.reject(new Error('The engine process stopped; try again.')),
    );
  }

  /** Stop the engine for good (app quit). Calls in flight are rejected. */
  dispose(): void {
    this.disposed = true;
    const child = this.child;
    this.child = null;
    this.dropClient('Sluice is shutting down.');
    child?.kill();
  }

  private sendGrant(folder: string): void {
    // A refused grant (a path the engine cannot use) only means that folder stays closed.
    toService(ENGINE_PROCESS_API, this)
      .grantFolder(folder)
      .catch(() => undefined);
  }

  private forward(event: RunEvent): void {
    if (event.type === 'runStarted') this.liveRuns.add(event.runId);
    if (event.type === 'runEnded') this.liveRuns.delete(event.runId);
    this.options.onEvent(event);
  }

  private exited(child: EngineChild, code: number): void {
    // A late exit from a process already replaced or disposed is not a crash.
    if (child !== this.child || this.disposed) return;
    this.child = null;
    const reason = `The engine process stopped unexpectedly (exit code ${code}).`;
    const t = this.now();
    this.crashes = [...this.crashes.filter((c) => t - c < this.restartWindowMs), t];
    this.gaveUp = this.crashes.length > this.maxRestarts;
    this.dropClient(this.gaveUp ? `${reason} Restart Sluice.` : `${reason} It was restarted; try again.`);
    for (const runId of this.liveRuns) {
      this.options.onEvent({ type: 'runStatusChanged', runId, status: 'failed', reason });
      this.options.onEvent({ type: 'runEnded', runId, status: 'failed', reason });
    }
    this.liveRuns.clear();
    if (this.gaveUp) {
      this.log(
        `${reason} It crashed ${this.crashes.length} times in a row, so Sluice stopped restarting it; restart Sluice.`,
      );
      return;
    }
    this.log(`${reason} Restarting it; runs resume from their last checkpoint when started again.`);
    this.start();
  }

  private dropClient(message: string): void {
    const client = this.client;
    this.client = null;
    client?.dropCalls(() => message);
  }

  private log(message: string): void {
    this.options.onEvent({ type: 'logged', runId: '', nodeId: null, level: 'error', message });
  }
}
