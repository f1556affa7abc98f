import type { AlertSubject } from './alert.js';
import type { ConnectorKind } from './connector.js';
import type { EventSchema, SchemaProblem } from './eventSchema.js';
import type { GraphFile } from './graphFile.js';
import type { MetricsSnapshot, RunStatus } from './metrics.js';
import type { Problem } from './problem.js';
import {
  anything,
  boolean,
  idList,
  list,
  nonNegativeMs,
  objectOf,
  oneOf,
  optional,
  path,
  record,
  string,
} from './rpc/check.js';
import { method, voidMethod, type ServiceOf } from './rpc/method.js';
import { nullable } from './rpc/check.js';

/** "Test connection" (SPEC §10): a platform and a URL as the graph holds it (`${env:NAME}` allowed). */
export interface TestConnectionRequest {
  kind: ConnectorKind;
  url: string;
  /**
   * What the node names on that server, when the platform can check it: a RabbitMQ queue
   * (looked up with a passive declare) or an MQTT topic filter (subscribed to once).
   */
  target?: string;
}

/**
 * Its answer: `message` is one line naming the URL without credentials and the cause; on
 * success, an optional remark (a RabbitMQ queue the run will declare because it is missing).
 */
export type TestConnectionResult = { ok: true; message?: string } | { ok: false; message: string };

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
  /**
   * A design run: sources with a pinned sample emit it instead of their own events, and the
   * run keeps its state in memory (the saved state store is left as it was).
   */
  usePinned?: boolean;
  /** Stop after this many ms (finite demo runs). */
  durationMs?: number;
  /**
   * The gallery template an unsaved graph was opened from: its relative files (data/orders.csv)
   * resolve against the template's folder, copied into the app's data folder.
   */
  template?: string;
}

/**
 * "Run as group member" (SPEC §15): the graph runs as one member of group `group`, as
 * `sluice run <graph> --group <group>` does, with the same preparation as `startRun` (checked,
 * trusted, paths confined). The graph must have `settings.partitions`.
 */
export interface StartGroupRunRequest extends StartRunRequest {
  group: string;
  /**
   * The group's NATS: a URL, one of the graph's `connections` by name, or `${env:NAME}`.
   * Absent or empty: the graph's first NATS connection, else `$NATS_URL`, else nats://127.0.0.1:4222.
   */
  natsUrl?: string;
}

/** A started group member: its run id (for `stopRun` and run events) and its member id in the group. */
export interface GroupRunStarted {
  runId: string;
  memberId: string;
  group: string;
  /** The NATS it joined, without credentials. */
  natsUrl: string;
  partitions: number;
}

/** Which group to read, on which NATS (`natsUrl` as in `StartGroupRunRequest`, resolved against `graph`'s connections). */
export interface GroupStateRequest {
  group: string;
  natsUrl?: string;
  graph?: GraphFile;
}

/** A group as `sluice group <name>` shows it: members with their partitions, and every partition's lease. */
export interface GroupState {
  group: string;
  /** The NATS it was read from, without credentials. */
  natsUrl: string;
  partitions: number;
  members: Array<{
    id: string;
    host: string;
    pid: number;
    startedAt: number;
    /** Its heartbeat is within its TTL. */
    live: boolean;
    heartbeatAgeMs: number;
    /** Handing its partitions over before it leaves. */
    leaving: boolean;
    partitions: Array<{ partition: number; epoch: number; lag?: number | null; checkpointId?: number | null }>;
  }>;
  leases: Array<{
    partition: number;
    owner: string | null;
    epoch: number;
    /** The lease is renewed: its owner may act for the partition. */
    live: boolean;
    /** Ms until it may be taken over (negative: expired); null when nobody holds it. */
    expiresInMs: number | null;
    checkpointId: number | null;
    lag: number | null;
  }>;
}

/**
 * What a run would restore from its state store's latest checkpoint, before it starts: the
 * editor shows it when an edited graph resumes, beside "Run from scratch".
 */
export interface RestorePreview {
  /** The checkpoint the run would resume from. */
  checkpointId: number;
  /** Nodes that resume with their state (or source position). */
  restored: string[];
  /** Nodes that start empty, and why ("config changed", "new since the checkpoint"). */
  empty: Array<{ nodeId: string; why: string }>;
  /** Nodes of the checkpoint that are no longer in the graph (their state is dropped). */
  dropped: string[];
  /** What that means downstream, one sentence each (a restarted source counted again). */
  consequences: string[];
  /** Why the run would be refused unless from scratch (changed parallelism), or null. */
  refusal: string | null;
}

/** A hand-written event sent into a node's input in a live run (the editor's Inject). */
export interface InjectedEvent {
  /** Default null. */
  key?: string | null;
  /** Event time in ms; default now. */
  time?: number;
  value: unknown;
}

/** An expression to try on a sample event, in the engine (the editor's CSP forbids eval). */
export interface PreviewRequest {
  expression: string;
  /** The event the expression sees as `value`, `key`, `time` and `event`. */
  sample: InjectedEvent;
  /** The user trusts the graph's code (SPEC §2); without it nothing is evaluated. */
  trusted: boolean;
}

/** What a preview gave: the result as JSON-able data, or the sentence of what went wrong. */
export type PreviewResult = { ok: true; value: unknown } | { ok: false; error: string };

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

/** A graph's contracts: its `schemas/` folder, loaded and checked (SPEC §11). */
export interface GraphSchemas {
  schemas: EventSchema[];
  /** Problems with the schema files (file, line, column). */
  problems: SchemaProblem[];
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

/** Which run or saved graph a list call is about. */
export interface RunTarget {
  runId?: string;
  graphPath?: string;
}

/** Ids, names and the like: far past this is not something a person made. */
const MAX_ID = 256;
/** A graph file far past this size is not something a person drew; refuse it before it crosses processes. */
const MAX_TEXT = 64 * 1024 * 1024;
/** Dead letters replayed in one call. */
const MAX_REPLAY = 10_000;

const id = string(MAX_ID);
/** An injected event's key: an id-like string, a bit longer than ids. */
const injected = record<InjectedEvent>({
  key: optional(nullable(string(4 * MAX_ID))),
  time: optional(nonNegativeMs),
  value: anything,
});
/** An expression past this is refused before it crosses processes (validation bounds it further). */
const MAX_PREVIEW_EXPRESSION = 100_000;
const text = string(MAX_TEXT);
const target = record<RunTarget>({ runId: optional(id), graphPath: optional(path) });
const startRunFields = {
  graph: objectOf<GraphFile>('a graph object'),
  path: optional(path),
  fresh: optional(boolean),
  trusted: optional(boolean),
  usePinned: optional(boolean),
  durationMs: optional(nonNegativeMs),
  template: optional(id),
};
const startRunRequest = record<StartRunRequest>(startRunFields);
const groupName = string(64, { noNul: true, nonEmpty: true });
const natsUrl = optional(string(4096, { noNul: true }));
const startGroupRunRequest = record<StartGroupRunRequest>({ ...startRunFields, group: groupName, natsUrl });

/**
 * The schema of every `EngineApi` method: its signature (which the compiler holds the checks
 * to) and a check per argument, which every transport applies at its trust edge. This table is
 * the API: `EngineApi` is derived from it, the clients and servers are generated from it.
 * Adding a method is one entry here plus its implementation in engine/host/EngineService.ts.
 */
export const ENGINE_API = {
  /** Every problem of the graph (SPEC §5). Accepts anything; a non-graph is one problem. */
  validate: method<(graph: unknown) => Promise<Problem[]>>(['graph', anything]),
  /** Start a run; refuses an invalid graph, or untrusted code, with a clear message. */
  startRun: method<(request: StartRunRequest) => Promise<{ runId: string }>>(['request', startRunRequest]),
  /**
   * What `startRun(request)` would restore from the graph's state store, without starting it:
   * null when it would start from empty (unsaved, fresh, or no checkpoint yet).
   */
  previewRun: method<(request: StartRunRequest) => Promise<RestorePreview | null>>(['request', startRunRequest]),
  /**
   * Problems with the graph's file paths that only the host can see: a path that resolves
   * outside the folders the user opened (one error per field, saying where it resolves).
   * The editor adds them to its own validation, so they show before Run, not at it.
   */
  checkPaths: method<(request: StartRunRequest) => Promise<Problem[]>>(['request', startRunRequest]),
  /**
   * Start the graph as a member of a group (SPEC §15, `sluice run --group`): it joins on the
   * group's NATS and runs the partitions it is given. `stopRun(runId)` leaves the group (its
   * partitions handed over with final checkpoints). Refuses a graph without `settings.partitions`
   * and an unreachable NATS with one sentence.
   */
  startGroupRun: method<(request: StartGroupRunRequest) => Promise<GroupRunStarted>>(['request', startGroupRunRequest]),
  /** A group's members, partitions, leases and lag, read from its NATS (no writes). */
  readGroup: method<(request: GroupStateRequest) => Promise<GroupState>>([
    'request',
    record<GroupStateRequest>({ group: groupName, natsUrl, graph: optional(objectOf<GraphFile>('a graph object')) }),
  ]),
  /**
   * Problems with what a saved graph's sinks already wrote (SPEC §11): a sink whose table, file
   * or subject holds events of a version its contract is incompatible with (an error naming
   * both and the change), or an `info` when a target could not be read in time. Reads the
   * targets (a few seconds at most); the editor adds these to its own validation.
   */
  checkTargets: method<(request: StartRunRequest) => Promise<Problem[]>>(['request', startRunRequest]),
  /** Stop a run: final checkpoint, then end. */
  stopRun: voidMethod<(runId: string) => Promise<void>>(['runId', id]),
  /**
   * Debug: kill the run's worker threads hard, without a checkpoint, as a crash would. The run
   * recovers from its last checkpoint (the "crash and recover" demonstration).
   */
  crashRun: voidMethod<(runId: string) => Promise<void>>(['runId', id]),
  /** Start or stop sampling the events crossing an edge. */
  tapEdge: voidMethod<(runId: string, edgeId: string, on: boolean) => Promise<void>>(
    ['runId', id],
    ['edgeId', id],
    ['on', boolean],
  ),
  /** Checkpoints in the state store of a saved graph (or of a run). */
  listCheckpoints: method<(target: RunTarget) => Promise<CheckpointInfo[]>>(['target', target]),
  /** The newest dead letters of a run or a saved graph's state store. */
  listDeadLetters: method<(target: RunTarget) => Promise<DeadLetter[]>>(['target', target]),
  /**
   * Feed dead letters back into the node they failed in, in a live run (after the user fixed
   * the code and ran again). Replayed letters leave the list; one that fails again comes back
   * as a new dead letter. At-most-once until the next checkpoint covers them.
   */
  replayDeadLetters: method<(runId: string, ids: number[]) => Promise<{ replayed: number }>>(
    ['runId', id],
    ['ids', idList(MAX_REPLAY, 'dead-letter ids')],
  ),
  /**
   * Send one hand-written event into an input port of a node in a live run, as if it had
   * arrived on that port (it reaches the instance its key partitions to). At-most-once: the
   * next checkpoint covers it, a crash before that loses it.
   */
  injectEvent: voidMethod<(runId: string, nodeId: string, port: string, event: InjectedEvent) => Promise<void>>(
    ['runId', id],
    ['nodeId', id],
    ['port', id],
    ['event', injected],
  ),
  /**
   * Evaluate an expression over a sample event, for the inspector's preview as the user types.
   * Only for a trusted graph; bounded in time (a loop is stopped and named).
   */
  previewExpression: method<(request: PreviewRequest) => Promise<PreviewResult>>([
    'request',
    record<PreviewRequest>({ expression: string(MAX_PREVIEW_EXPRESSION), sample: injected, trusted: boolean }),
  ]),
  /** Files and folders in a folder the user opened (web host: confined to those folders). */
  listFiles: method<(dir?: string) => Promise<FileEntry[]>>(['dir', optional(path)]),
  openFile: method<(path: string) => Promise<{ path: string; text: string }>>(['path', path]),
  saveFile: voidMethod<(path: string, text: string) => Promise<void>>(['path', path], ['text', text]),
  listExamples: method<() => Promise<ExampleInfo[]>>(),
  openExample: method<(id: string) => Promise<{ text: string }>>(['id', id]),
  /** The contracts beside a saved graph: its `schemas/` folder (none: no schemas). */
  loadSchemas: method<(graphPath: string) => Promise<GraphSchemas>>(['graphPath', path]),
  /**
   * "Save as contract": draft `schemas/<name>@<next version>.schema.json` beside the graph from
   * sample values (a tapped edge's), with `inferSchema`, for the user to edit. Returns its ref.
   */
  saveContract: method<(graphPath: string, name: string, samples: unknown[]) => Promise<{ ref: string; path: string }>>(
    ['graphPath', path],
    ['name', id],
    ['samples', list(1000, 'sample values')],
  ),
  /** Open the platform's connection once with a short timeout; never rejects for a bad URL. */
  testConnection: method<(request: TestConnectionRequest) => Promise<TestConnectionResult>>([
    'request',
    record<TestConnectionRequest>({
      kind: oneOf(['nats', 'redis', 'rabbitmq', 'mqtt', 'postgres', 'http']),
      url: string(4096, { noNul: true, nonEmpty: true }),
      target: optional(string(4096, { noNul: true })),
    }),
  ]),
};

/** The name of a method a transport carries (everything but `subscribe`, which is events). */
export type ApiMethod = keyof typeof ENGINE_API;

/** Every method of the table, in its order. */
export const API_METHODS = Object.keys(ENGINE_API) as ApiMethod[];

/**
 * The one API the renderer uses to reach the engine: the methods of `ENGINE_API`, plus the
 * stream of run events. Implemented by `EngineService` in process and by one client per
 * transport (WebSocket, Electron IPC), all generated from the table.
 */
export interface EngineApi extends ServiceOf<typeof ENGINE_API> {
  /** Listen to run events (metrics at ≥ 4 Hz, status, taps, logs). */
  subscribe(listener: (event: RunEvent) => void): Unsubscribe;
}
