import type { DeadLetter, EventSchema, GraphFile, RunEvent } from '../contract/index.js';
import type { KeychainLookup } from '../graph/resolveConnections.js';
import type { CheckedGraph } from './CheckedGraph.js';
import type { EventEnvelope } from '../contract/EngineApi.js';

/** What starting a run needs. Small on purpose: a host passes only these. */
export interface RunOptions {
  /** The graph; one already checked (`CheckedGraph.check`) is not validated again. */
  graph: GraphFile | CheckedGraph;
  /** Folder that relative config paths resolve against (the graph file's folder). */
  baseDir: string;
  /** The graph's contracts, for a `graph` not yet checked (a checked one carries its own). */
  schemas?: readonly EventSchema[];
  /** The desktop app's keychain, for a `graph` not yet checked (a checked one carries its own). */
  keychain?: KeychainLookup;
  /** SQLite state store path; undefined keeps checkpoints in memory (tests, unsaved graphs). */
  statePath?: string;
  /** Ignore existing state and start empty. */
  fresh?: boolean;
  /** End the run (final checkpoint) after this many ms of running (worker start-up not counted). */
  durationMs?: number;
  /** Where `sink.console` lines go (stdout in the CLI). */
  onConsole?: (line: string) => void;
  /** Metrics frame interval; default 250 ms (≥ 4 Hz). */
  metricsIntervalMs?: number;
  /** Sources with a pinned sample (`node.pinned`) emit it instead (the editor's design runs). */
  usePinned?: boolean;
}

export interface RunResult {
  status: 'finished' | 'stopped' | 'failed';
  reason?: string;
}

/** A live run. Produced by `startRun` in engine/runtime. */
export interface RunHandle {
  readonly runId: string;
  /** Resolves when the run has ended (after its final checkpoint). Never rejects. */
  readonly done: Promise<RunResult>;
  /** Final checkpoint, then end. */
  stop(): Promise<RunResult>;
  /** Debug: terminate the workers as a crash would; the run recovers from its last checkpoint. */
  crash(): void;
  /** The run's dead letters (stored with its checkpoints), newest last. */
  deadLetters(limit: number): DeadLetter[];
  /** Feed stored dead letters back into their nodes; they leave the list. Returns how many. */
  replayDeadLetters(ids: readonly number[]): number;
  /** Deliver events to an input port of a node now (the editor's Inject); at-most-once until the next checkpoint. */
  inject(nodeId: string, port: string, events: readonly EventEnvelope[]): void;
  /** Start or stop sampling events on an edge; samples arrive as `edgeTapped` events. */
  tap(edgeId: string, on: boolean): void;
  /** Listen to this run's events (metrics frames, status, taps, logs). */
  subscribe(listener: (event: RunEvent) => void): () => void;
}
