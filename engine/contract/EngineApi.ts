import type { AlertSubject } from './alert.js';
import type { GraphFile } from './graphFile.js';
import type { MetricsSnapshot, RunStatus } from './metrics.js';
import type { Problem } from './problem.js';

/** Bumped when a message or method changes shape; transports refuse a mismatch. */
export const ENGINE_API_VERSION = 1;

/** A user-visible event envelope (no internal fields). */
export interface EventEnvelope {
  id: string;
  key: string | null;
  time: number;
  value: unknown;
}

export interface StartRunRequest {
  graph: GraphFile;
  /** The graph file's path, if saved; relative config paths resolve against its folder and the state store defaults beside it. */
  path?: string;
  /** Start from empty state even if a state store exists. */
  fresh?: boolean;
  /** The user confirmed they trust the code in this graph (SPEC §2). */
  trusted?: boolean;
  /** Stop after this many ms (finite demo runs). */
  durationMs?: number;
}

export interface CheckpointInfo {
  id: number;
  startedAt: number;
  completedAt: number | null;
  durationMs: number | null;
  bytes: number;
  /** Per-node state size in bytes. */
  nodes: Record<string, number>;
}

export interface DeadLetter {
  id: number;
  nodeId: string;
  error: string;
  event: EventEnvelope;
  time: number;
}

export interface FileEntry {
  path: string;
  name: string;
  isDirectory: boolean;
}

export interface ExampleInfo {
  id: string;
  name: string;
  description: string;
}

/** Facts pushed from the engine to whoever subscribed (past tense: they happened). */
export type RunEvent =
  | { type: 'runStarted'; runId: string; graphName: string; resumedFrom: number | null }
  | { type: 'runStatusChanged'; runId: string; status: RunStatus; reason?: string }
  | { type: 'metricsPublished'; runId: string; snapshot: MetricsSnapshot }
  | { type: 'edgeTapped'; runId: string; edgeId: string; events: EventEnvelope[] }
  | { type: 'logged'; runId: string; nodeId: string | null; level: 'info' | 'warn' | 'error'; message: string }
  /** A `sink.notify` node asks for a notification. */
  | { type: 'notificationRequested'; runId: string; nodeId: string; title: string; body: string }
  /**
   * An alert's condition has held for its `forMs` (SPEC §14). `value` is the figure in the frame
   * that fired it, `since` the wall-clock ms of the first frame where the condition held, `at`
   * that of the frame that fired it. `message` is the sentence the CLI prints after "alert
   * fired: ", e.g. "edge e3 lag 1,204 > 1000 for 10 s".
   */
  | {
      type: 'alertFired';
      runId: string;
      alertId: string;
      when: string;
      subject: AlertSubject;
      value: number;
      since: number;
      at: number;
      message: string;
    }
  /**
   * A firing alert cleared: its condition stopped holding (for its `clearForMs`), or the run
   * ended, which `reason` then says ("the run finished"). `value` is null when the run ended or
   * the figure is missing from the frame.
   */
  | {
      type: 'alertCleared';
      runId: string;
      alertId: string;
      when: string;
      subject: AlertSubject;
      value: number | null;
      at: number;
      message: string;
      reason?: string;
    }
  | { type: 'runEnded'; runId: string; status: 'finished' | 'stopped' | 'failed'; reason?: string };

export type Unsubscribe = () => void;

/**
 * The one API the renderer uses to reach the engine. Defined once here; implemented by the web
 * host's WebSocket client and by the Electron preload. Every transport validates input at its
 * trust edge.
 */
export interface EngineApi {
  /** Every problem of the graph (SPEC §5). Accepts anything; a non-graph is one problem. */
  validate(graph: unknown): Promise<Problem[]>;
  /** Start a run; refuses an invalid graph, or untrusted code, with a clear message. */
  startRun(request: StartRunRequest): Promise<{ runId: string }>;
  /** Stop a run: final checkpoint, then end. */
  stopRun(runId: string): Promise<void>;
  /**
   * Debug: kill the run's worker threads hard, without a checkpoint, as a crash would. The run
   * recovers from its last checkpoint (the "crash and recover" demonstration).
   */
  crashRun(runId: string): Promise<void>;
  /** Listen to run events (metrics at ≥ 4 Hz, status, taps, logs). */
  subscribe(listener: (event: RunEvent) => void): Unsubscribe;
  /** Start or stop sampling the events crossing an edge. */
  tapEdge(runId: string, edgeId: string, on: boolean): Promise<void>;
  /** Checkpoints in the state store of a saved graph (or of a run). */
  listCheckpoints(target: { runId?: string; graphPath?: string }): Promise<CheckpointInfo[]>;
  listDeadLetters(target: { runId?: string; graphPath?: string }): Promise<DeadLetter[]>;
  /**
   * Feed dead letters back into the node they failed in, in a live run (after the user fixed
   * the code and ran again). Replayed letters leave the list; one that fails again comes back
   * as a new dead letter. At-most-once until the next checkpoint covers them.
   */
  replayDeadLetters(runId: string, ids: number[]): Promise<{ replayed: number }>;
  /** Files and folders in a folder the user opened (web host: confined to those folders). */
  listFiles(dir?: string): Promise<FileEntry[]>;
  openFile(path: string): Promise<{ path: string; text: string }>;
  saveFile(path: string, text: string): Promise<void>;
  listExamples(): Promise<ExampleInfo[]>;
  openExample(id: string): Promise<{ text: string }>;
}
