import type { ApiMethod, HostMessage, RunEvent } from '../engine/index.js';
import type { EngineProcessMessage } from './engineServer.js';
import { PROTOCOL_VERSION } from './protocolVersion.js';

/** Main's view of the engine process: Electron's `UtilityProcess`, narrowed to what the relay uses. */
export interface EngineChild {
  postMessage(message: EngineProcessMessage): void;
  onMessage(listener: (message: HostMessage) => void): void;
  onExit(listener: (code: number) => void): void;
  kill(): void;
}

export interface EngineRelayOptions {
  /** Start a new engine process. */
  spawn: () => EngineChild;
  /** Every run event from the engine, plus the failures the relay reports when the engine dies. */
  onEvent: (event: RunEvent) => void;
  /** Restarts allowed within `restartWindowMs` before the relay gives up (a crash loop). */
  maxRestarts?: number;
  restartWindowMs?: number;
  now?: () => number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * Main's end of the engine process: forwards calls, routes results back by id, forwards events,
 * and restarts the process when it dies.
 *
 * When the engine dies:
 * 1. every call in flight is rejected with a sentence (the renderer shows it);
 * 2. every run that was live is reported `failed` (`runStatusChanged` then `runEnded`), and a
 *    `logged` error says why, so the run view does not wait forever;
 * 3. a new process is spawned, unless it already died `maxRestarts` times within
 *    `restartWindowMs` (then calls fail with a sentence until the app restarts).
 */
export class EngineRelay {
  private child: EngineChild | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly liveRuns = new Set<string>();
  /** Folders granted so far, sent again to a restarted engine. */
  private readonly folders = new Set<string>();
  private crashes: number[] = [];
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
    this.child = child;
    child.onMessage((message) => this.receive(message));
    child.onExit((code) => this.exited(child, code));
    child.postMessage({ type: 'hello', version: PROTOCOL_VERSION });
    for (const folder of this.folders) child.postMessage({ type: 'grantFolder', folder });
  }

  /** Let the engine's file policy reach `folder` too (now and after any restart). */
  grantFolder(folder: string): void {
    this.folders.add(folder);
    this.child?.postMessage({ type: 'grantFolder', folder });
  }

  /** Forward one validated call; resolves with the engine's value or rejects with its sentence. */
  call(method: ApiMethod, args: unknown[]): Promise<unknown> {
    if (this.gaveUp) {
      return Promise.reject(new Error('The engine keeps crashing and was not restarted; restart Sluice.'));
    }
    if (this.disposed) return Promise.reject(new Error('Sluice is shutting down.'));
    this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child?.postMessage({ type: 'call', id, method, args });
    });
  }

  /** Stop the engine for good (app quit). Calls in flight are rejected. */
  dispose(): void {
    this.disposed = true;
    const child = this.child;
    this.child = null;
    this.rejectAll('Sluice is shutting down.');
    child?.kill();
  }

  private receive(message: HostMessage): void {
    switch (message.type) {
      case 'result': {
        const call = this.pending.get(message.id);
        if (!call) return;
        this.pending.delete(message.id);
        if (message.ok) call.resolve(message.value);
        else call.reject(new Error(message.error));
        return;
      }
      case 'event': {
        const event = message.event;
        if (event.type === 'runStarted') this.liveRuns.add(event.runId);
        if (event.type === 'runEnded') this.liveRuns.delete(event.runId);
        this.options.onEvent(event);
        return;
      }
      case 'welcome':
        return;
    }
  }

  private exited(child: EngineChild, code: number): void {
    // A late exit from a process already replaced or disposed is not a crash.
    if (child !== this.child || this.disposed) return;
    this.child = null;
    const reason = `The engine process stopped unexpectedly (exit code ${code}).`;
    const t = this.now();
    this.crashes = [...this.crashes.filter((c) => t - c < this.restartWindowMs), t];
    this.gaveUp = this.crashes.length > this.maxRestarts;
    this.rejectAll(this.gaveUp ? `${reason} Restart Sluice.` : `${reason} It was restarted; try again.`);
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

  private log(message: string): void {
    this.options.onEvent({ type: 'logged', runId: '', nodeId: null, level: 'error', message });
  }

  private rejectAll(message: string): void {
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) call.reject(new Error(message));
  }
}
