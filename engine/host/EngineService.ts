import { expandBrokerTopics } from '../graph/brokerTopics.js';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { NatsConnection } from 'nats';
import type {
  CheckpointInfo,
  DeadLetter,
  EngineApi,
  ExampleInfo,
  FileEntry,
  GraphFile,
  GroupRunStarted,
  GroupState,
  GroupStateRequest,
  InjectedEvent,
  MetricsSnapshot,
  PreviewRequest,
  PreviewResult,
  Problem,
  RestorePreview,
  RunEvent,
  StartGroupRunRequest,
  StartRunRequest,
  TestConnectionRequest,
  TestConnectionResult,
  Unsubscribe,
} from '../contract/index.js';
import { DEFAULT_COMPATIBILITY, isContractName, UserError, type GraphSchemas } from '../contract/index.js';
import { inferSchema } from '../contracts/common/inferSchema.js';
import { SCHEMAS_FOLDER, schemaFileName } from '../contracts/common/schemaFileName.js';
import { watchRunAlerts } from '../graph/alerts/watchRunAlerts.js';
import { loadGraph, parseGraph } from '../graph/loadGraph.js';
import { validate as validateGraph } from '../graph/validate.js';
import { applyDefaults } from '../graph/applyDefaults.js';
import { isPinnedSample } from '../graph/validateAnnotations.js';
import { graphHasCode } from '../graph/graphHasCode.js';
import { nodeRegistry } from '../nodes/registry.js';
import { checkWrittenContracts } from '../contracts/node/checkWrittenContracts.js';
import { loadGraphSchemas } from '../contracts/node/loadGraphSchemas.js';
import { CheckedGraph, problemPlace } from '../runtime/CheckedGraph.js';
import type { RunHandle, RunOptions } from '../runtime/RunHandle.js';
import { startRun as startRealRun, type StartedRun } from '../runtime/startRun.js';
import { defaultWorkers } from '../runtime/Coordinator.js';
import { previewRestore } from '../runtime/previewRestore.js';
import { planGraph } from '../compiler/planGraph.js';
import { StateStore } from '../store/StateStore.js';
import { previewExpression } from './previewExpression.js';
import { redactRunEvent } from './redactRunEvent.js';
import { FileAccess, isInside } from './FileAccess.js';
import { testConnection } from '../connectors/testConnection.js';
import { defaultStatePath, safeFileName } from '../store/defaultStatePath.js';
import { redactUrl } from '../connectors/redactUrl.js';
import { connectionsOf, resolveNodeConfig, type KeychainLookup } from '../graph/resolveConnections.js';
import { GroupRun } from '../scaleout/GroupRun.js';
import { connectNats, defaultNatsUrl, shownUrl } from '../scaleout/connectNats.js';
import { checkGroupName } from '../scaleout/groupNames.js';
import { groupLeaseTimes } from '../scaleout/groupSettings.js';
import { groupNatsUrl as graphNatsUrl } from '../graph/groupNatsUrl.js';
import { groupPartitions } from '../scaleout/partitionGraph.js';
import { readGroup } from '../scaleout/readGroup.js';
import { mergePartitionMetrics } from '../scaleout/mergePartitionMetrics.js';

/** What an `EngineService` needs; small so tests can inject each part. */
export interface EngineServiceDeps {
  /** Folders the user opened; all file access stays inside them. */
  roots: readonly string[];
  /** Folder of `index.json` and the example graphs (assets/examples). */
  examplesDir: string;
  /** Starts a run; the real runtime by default. */
  startRun?: (options: RunOptions) => Promise<RunHandle>;
  /** Where `sink.console` lines of runs go instead of the run's log events (the Log panel). */
  onConsole?: (line: string) => void;
  /**
   * Refuse runs whose nodes read or write files outside the opened folders (config fields of
   * kind `path`). On by default: the web host must keep file access inside them (SPEC §9).
   */
  confineRunPaths?: boolean;
  /**
   * The app's own data folder (the desktop app's userData, the web host's per-user data dir).
   * Unsaved graphs keep their state store here, and a template's files are copied here, so a
   * template runs on first click from any folder. Absent: unsaved graphs run in memory.
   */
  dataDir?: string;
  /**
   * The desktop app's keychain secrets (name → value), as main last handed them to the engine
   * process; read at each use, so a secret saved a moment ago is there. Absent: this host has
   * no keychain, and a `${keychain:…}` is a problem saying to use `${env:…}` (SPEC §10).
   */
  keychain?: () => Readonly<Record<string, string>>;
}

/** Dead letters sent in one answer: the newest ones; a poison stream can hold millions. */
export const MAX_DEAD_LETTERS = 1000;
/** Sample values "Save as contract" drafts from, at most (a tap's worth). */
export const MAX_SAMPLES = 1000;

interface LiveRun {
  handle: RunHandle;
  statePath: string | undefined;
  ended: boolean;
  sawRunEnded: boolean;
  unsubscribe: () => void;
}

interface LiveGroupRun {
  run: GroupRun;
  url: string;
  ended: boolean;
  stopping: Promise<void> | null;
  /** The merged metrics frames' timer. */
  timer: ReturnType<typeof setInterval> | null;
}

/** A group member's merged frame, this often (the runtime publishes at ≥ 4 Hz too). */
const GROUP_FRAME_MS = 250;

/** `readGroup` gives up on a NATS that does not answer in this long. */
const READ_GROUP_TIMEOUT_MS = 3000;

interface ExampleEntry extends ExampleInfo {
  file: string;
}

/**
 * The engine behind every transport: an in-process `EngineApi` with no transport of its own.
 * The web host puts it behind a WebSocket and the desktop app behind IPC; both validate the
 * shape of input at their edge, this class checks what it means (graph validity, trust, file
 * confinement).
 */
export class EngineService implements EngineApi {
  /** The file policy; the desktop host adds folders the user picks in dialogs. */
  readonly files: FileAccess;
  private readonly examplesDir: string;
  private readonly startRunFn: (options: RunOptions) => Promise<RunHandle>;
  private readonly onConsole: ((line: string) => void) | undefined;
  private readonly confineRunPaths: boolean;
  private readonly dataDir: string | undefined;
  private readonly keychainSecrets: (() => Readonly<Record<string, string>>) | undefined;
  private readonly listeners = new Set<(event: RunEvent) => void>();
  /** Live and ended runs of this session, so stop/tap/checkpoints can name them by id. */
  private readonly runs = new Map<string, LiveRun>();
  /** Ids of injected events: `inject-1`, `inject-2`… in this session. */
  private injected = 0;
  /** The graph each run of this session runs, to check what an inject names. */
  private readonly graphs = new Map<string, GraphFile>();
  /** Group members started from this session (`startGroupRun`), by run id. */
  private readonly groupRuns = new Map<string, LiveGroupRun>();
  private groupSeq = 0;
  /** Connections `readGroup` keeps, by NATS URL. */
  private readonly inspectors = new Map<string, Promise<NatsConnection>>();

  constructor(deps: EngineServiceDeps) {
    this.files = new FileAccess(deps.roots);
    this.examplesDir = path.resolve(deps.examplesDir);
    this.startRunFn = deps.startRun ?? startRealRun;
    this.onConsole = deps.onConsole;
    this.confineRunPaths = deps.confineRunPaths ?? true;
    this.dataDir = deps.dataDir !== undefined ? path.resolve(deps.dataDir) : undefined;
    this.keychainSecrets = deps.keychain;
  }

  /** Where `${keychain:…}` resolves from here: the desktop's secrets, or none (CLI, web host). */
  private keychain(): KeychainLookup {
    return this.keychainSecrets ? this.keychainSecrets() : 'absent';
  }

  async validate(graph: unknown): Promise<Problem[]> {
    const loaded = typeof graph === 'string' ? loadGraph(graph) : parseGraph(graph);
    if (!loaded.ok) return [{ severity: 'error', message: sentence(loaded.error) }];
    return validateGraph(loaded.graph, nodeRegistry, { env: process.env, keychain: this.keychain() });
  }

  /**
   * 1. Load and check the graph, once: the run is handed the checked graph. Refuse it with
   *    its first error if it has any.
   * 2. Refuse code the user has not trusted (SPEC §2).
   * 3. Resolve the folder for relative paths and the state store: beside a saved graph; for an
   *    unsaved one a store of its own in the app's data folder (always fresh: an unsaved
   *    document has no saved progress to resume), and a template's files in a working copy of
   *    the template's folder there. Without a data folder, in memory.
   * 4. Start the run and forward its events to every subscriber.
   */
  async startRun(request: StartRunRequest): Promise<{ runId: string }> {
    const prepared = await this.prepareRun(request);
    const { check, graph, baseDir } = prepared;
    let { statePath } = prepared;
    const fresh = prepared.fresh;

    const options: RunOptions = { graph: check.checked, baseDir };
    if (statePath !== undefined) options.statePath = statePath;
    if (fresh) options.fresh = true;
    if (typeof request.durationMs === 'number') options.durationMs = request.durationMs;
    // Without an onConsole, sink.console lines are the run's log events (the Log panel).
    if (this.onConsole) options.onConsole = this.onConsole;
    // A design run with pinned samples keeps its state in memory: the saved store stays as it was.
    if (request.usePinned === true && graph.nodes.some((n) => isPinnedSample(n.pinned) && n.disabled !== true)) {
      statePath = undefined;
      delete options.statePath;
      options.usePinned = true;
    }

    const handle = await this.startRunFn(options);
    this.graphs.set(handle.runId, graph);
    this.track(handle, statePath);
    // The runtime says it started before anyone could subscribe: say it again, with where it
    // resumed from and what it could not restore (the CLI prints the same notes).
    const started = handle as Partial<StartedRun>;
    this.emit({
      type: 'runStarted',
      runId: handle.runId,
      graphName: graph.name,
      resumedFrom: started.resumedFrom ?? null,
    });
    for (const note of started.stateNotes ?? []) {
      this.emit({ type: 'logged', runId: handle.runId, nodeId: null, level: 'warn', message: note });
    }
    watchRunAlerts(graph, handle, (event) => this.emit(event));
    return { runId: handle.runId };
  }

  /**
   * What every run needs before it starts (steps 1 to 3 of `startRun`): the checked graph, the
   * folder its relative paths resolve against, its state store, and its file paths confined.
   */
  private async prepareRun(request: StartRunRequest): Promise<{
    check: Extract<ReturnType<typeof CheckedGraph.check>, { ok: true }>;
    graph: GraphFile;
    baseDir: string;
    statePath: string | undefined;
    fresh: boolean;
  }> {
    const loaded = parseGraph(request?.graph);
    if (!loaded.ok) throw new UserError(`The graph cannot run: it is ${loaded.error}.`);
    // A saved graph's contracts (its schemas/ folder) are checked as events flow (SPEC §11).
    const graphPath =
      typeof request.path === 'string' && request.path !== ''
        ? await this.files.resolve(request.path, { mustExist: false })
        : null;
    // An unsaved template's contracts are the template's own (assets/examples/schemas).
    const template =
      graphPath === null && typeof request.template === 'string'
        ? (await this.readExamples()).find((e) => e.id === request.template)
        : undefined;
    const schemaHome = graphPath ?? (template ? path.resolve(this.examplesDir, template.file) : null);
    const schemas = schemaHome !== null ? loadGraphSchemas(schemaHome).schemas : undefined;
    const check = CheckedGraph.check(loaded.graph, schemas, this.keychain());
    if (!check.ok) {
      const first = check.errors[0] as Problem;
      const n = check.errors.length - 1;
      const more = n > 0 ? ` (and ${n} more problem${n > 1 ? 's' : ''})` : '';
      const where = first.nodeId || first.edgeId ? `${problemPlace(first)}: ` : '';
      throw new UserError(`The graph cannot run: ${where}${stripPeriod(first.message)}${more}.`);
    }
    const graph: GraphFile = check.checked.graph;
    if (!request.trusted && graphHasCode(graph, nodeRegistry)) {
      throw new UserError(
        `"${graph.name}" contains code (expressions or function nodes); confirm that you trust it before running it.`,
      );
    }

    let baseDir: string;
    let statePath: string | undefined;
    let fresh = request.fresh === true;
    let extraRoot: string | undefined;
    if (graphPath !== null) {
      baseDir = path.dirname(graphPath);
      statePath = defaultStatePath(graphPath, graph.name);
      await mkdir(path.dirname(statePath), { recursive: true });
    } else if (this.dataDir !== undefined) {
      baseDir = this.files.rootDirs[0] ?? process.cwd();
      if (typeof request.template === 'string') {
        baseDir = await this.templateWorkDir(request.template, graph);
        extraRoot = baseDir;
      }
      statePath = path.join(this.dataDir, 'unsaved', `${safeFileName(graph.name)}.db`);
      await mkdir(path.dirname(statePath), { recursive: true });
      fresh = true;
    } else {
      baseDir = this.files.rootDirs[0] ?? process.cwd();
      statePath = undefined;
    }

    if (this.confineRunPaths) await this.checkRunPaths(graph, baseDir, extraRoot);
    return { check, graph, baseDir, statePath, fresh };
  }

  /**
   * What a run of this request would restore: the saved graph's state store, read without its
   * lock, its latest checkpoint matched to the graph's plan. Null for a run that starts empty
   * (unsaved graphs always do; `fresh`; no store or checkpoint yet).
   */
  async previewRun(request: StartRunRequest): Promise<RestorePreview | null> {
    if (request.fresh || typeof request.path !== 'string' || request.path === '') return null;
    const loaded = parseGraph(request.graph);
    if (!loaded.ok) throw new UserError(`The graph cannot run: it is ${loaded.error}.`);
    const check = CheckedGraph.check(loaded.graph, undefined, this.keychain());
    if (!check.ok) return null;
    const graph = check.checked.graph;
    const graphPath = await this.files.resolve(request.path, { mustExist: false });
    const statePath = defaultStatePath(graphPath, graph.name);
    return this.readStore(
      statePath,
      (store) => {
        const latest = store.latestCheckpoint();
        if (!latest) return null;
        const plan = planGraph(expandBrokerTopics(graph), nodeRegistry, { maxWorkers: defaultWorkers() });
        return previewRestore(plan, latest);
      },
      null,
    );
  }

  /**
   * "Run as group member" (SPEC §15): prepared as `startRun` prepares a run, then joined to the
   * group as `sluice run --group` joins it (engine/scaleout/GroupRun). It is a run of this
   * session for `stopRun` and run events: started, running, its log lines, ended when it left.
   * Its members' local caches live beside the graph's state store (`<store>.group-<name>/`).
   */
  async startGroupRun(request: StartGroupRunRequest): Promise<GroupRunStarted> {
    await asSentence(() => checkGroupName(request.group));
    const { check, graph, baseDir, statePath } = await this.prepareRun(request);
    await asSentence(() => groupPartitions(graph)); // no settings.partitions: refuse before reaching for NATS
    const url = this.groupNatsUrl(request.natsUrl, graph);
    const runId = `group-${++this.groupSeq}`;
    const cacheDir =
      statePath !== undefined
        ? `${statePath.replace(/\.db$/, '')}.group-${request.group}`
        : await mkdtemp(path.join(os.tmpdir(), `sluice-group-${request.group}-`));
    const log = (line: string): void =>
      this.emit({
        type: 'logged',
        runId,
        nodeId: null,
        level: /refused|stopped|lost|cannot/.test(line) ? 'warn' : 'info',
        message: line,
      });
    // The canvas shows the partitions this member runs as one run: their frames summed, 4 a second.
    const frames = new Map<number, MetricsSnapshot>();
    const joinedAt = Date.now();
    const run = await asSentence(() =>
      GroupRun.start({
        graph: check.checked.graph,
        baseDir,
        group: request.group,
        url,
        cacheDir,
        ...groupLeaseTimes(process.env),
        keychain: check.checked.keychain,
        log,
        onPartitionMetrics: (p, snapshot) => {
          if (snapshot) frames.set(p, snapshot);
          else frames.delete(p);
        },
        onConsole:
          this.onConsole ??
          ((line) => this.emit({ type: 'logged', runId, nodeId: null, level: 'info', message: line })),
      }),
    );
    const started: GroupRunStarted = {
      runId,
      memberId: run.memberId,
      group: request.group,
      natsUrl: shownUrl(url),
      partitions: groupPartitions(graph),
    };
    const live: LiveGroupRun = { run, url, ended: false, stopping: null, timer: null };
    live.timer = setInterval(() => {
      const t = Date.now();
      const snapshot = mergePartitionMetrics(graph, [...frames.values()], {
        status: live.stopping ? 'stopping' : 'running',
        elapsedMs: t - joinedAt,
        t,
        partitions: { held: [...frames.keys()].sort((a, b) => a - b), of: started.partitions },
      });
      this.emit({ type: 'metricsPublished', runId, snapshot });
    }, GROUP_FRAME_MS);
    this.groupRuns.set(runId, live);
    this.emit({ type: 'runStarted', runId, graphName: graph.name, resumedFrom: null });
    this.emit({ type: 'runStatusChanged', runId, status: 'running' });
    if (typeof request.durationMs === 'number') setTimeout(() => void this.stopRun(runId), request.durationMs).unref();
    return started;
  }

  /**
   * A group's state from its NATS: one connection per URL, kept for the next poll (the run
   * panel reads it every second); a NATS that does not answer within 3 s is one sentence.
   */
  readGroup(request: GroupStateRequest): Promise<GroupState> {
    return asSentence(() => this.readGroupOnce(request));
  }

  private async readGroupOnce(request: GroupStateRequest): Promise<GroupState> {
    checkGroupName(request.group);
    const url = this.groupNatsUrl(request.natsUrl, request.graph);
    let nc = this.inspectors.get(url);
    if (!nc) {
      nc = connectNats(url, `sluice editor (group ${request.group})`);
      this.inspectors.set(url, nc);
      nc.catch(() => this.inspectors.delete(url));
    }
    const conn = await nc;
    if (conn.isClosed()) {
      this.inspectors.delete(url);
      return this.readGroupOnce(request);
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new UserError(`NATS at ${shownUrl(url)} did not answer within 3 s; is it running?`)),
        READ_GROUP_TIMEOUT_MS,
      );
    });
    try {
      const view = await Promise.race([readGroup(conn, request.group), timeout]);
      return { ...view, natsUrl: shownUrl(url) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** The group's NATS URL: as asked (a URL, a connection's name, `${env:…}`), else the graph's, else the default. */
  private groupNatsUrl(asked: string | undefined, graph: GraphFile | undefined): string {
    const connections = graph ? connectionsOf(graph) : {};
    const wanted = asked?.trim() || (graph ? graphNatsUrl(graph) : null);
    if (!wanted) return defaultNatsUrl();
    const { config, problems } = resolveNodeConfig({ url: wanted }, connections, process.env, this.keychain());
    const problem = problems.find((p) => p.severity === 'error');
    if (problem) throw new UserError(`The NATS URL cannot be used: ${stripPeriod(problem.message)}.`);
    const url = String(config.url ?? '');
    if (!/^(nats|tls|ws|wss):\/\//.test(url) && !/^[\w.-]+:\d+$/.test(url))
      throw new UserError(`"${redactUrl(url)}" is not a NATS URL (nats://host:4222).`);
    return url;
  }

  async stopRun(runId: string): Promise<void> {
    const group = this.groupRuns.get(runId);
    if (group) {
      group.stopping ??= group.run.stop().then(
        () => {
          if (group.timer) clearInterval(group.timer);
          group.ended = true;
          this.emit({ type: 'runEnded', runId, status: 'stopped', reason: 'left the group' });
        },
        (err: unknown) => {
          if (group.timer) clearInterval(group.timer);
          group.ended = true;
          this.emit({ type: 'runEnded', runId, status: 'failed', reason: (err as Error).message });
        },
      );
      return group.stopping;
    }
    const run = this.runs.get(runId);
    if (!run) throw new UserError(`There is no run with id ${runId}.`);
    if (run.ended) return;
    await run.handle.stop();
  }

  async crashRun(runId: string): Promise<void> {
    if (this.groupRuns.has(runId))
      throw new UserError(
        `Run ${runId} is a group member: its partitions run on their own; kill another member to see them move.`,
      );
    const run = this.runs.get(runId);
    if (!run) throw new UserError(`There is no run with id ${runId}.`);
    if (run.ended) throw new UserError(`Run ${runId} has ended; there is nothing to crash.`);
    run.handle.crash();
  }

  subscribe(listener: (event: RunEvent) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async tapEdge(runId: string, edgeId: string, on: boolean): Promise<void> {
    const run = this.runs.get(runId);
    if (!run) throw new UserError(`There is no run with id ${runId}.`);
    if (run.ended) {
      if (on) throw new UserError(`Run ${runId} has ended, so edge ${edgeId} cannot be tapped.`);
      return;
    }
    run.handle.tap(edgeId, on);
  }

  async listCheckpoints(target: { runId?: string; graphPath?: string }): Promise<CheckpointInfo[]> {
    return this.readStore(await this.statePathOf(target), (store) => store.listCheckpoints(), []);
  }

  async listDeadLetters(target: { runId?: string; graphPath?: string }): Promise<DeadLetter[]> {
    // A live run answers itself: its store is locked for writing, and an unsaved graph's
    // dead letters live only in the run's memory.
    const live = target.runId ? this.runs.get(target.runId) : undefined;
    if (live && !live.ended) return live.handle.deadLetters(MAX_DEAD_LETTERS);
    return this.readStore(
      await this.statePathOf(target),
      (store) => store.listDeadLetters({ limit: MAX_DEAD_LETTERS }),
      [],
    );
  }

  async replayDeadLetters(runId: string, ids: number[]): Promise<{ replayed: number }> {
    const run = this.runs.get(runId);
    if (!run) throw new UserError(`There is no run with id ${runId}.`);
    if (run.ended) throw new UserError(`Run ${runId} has ended; start the graph again to replay its dead letters.`);
    return { replayed: run.handle.replayDeadLetters(ids) };
  }

  async injectEvent(runId: string, nodeId: string, port: string, event: InjectedEvent): Promise<void> {
    const run = this.runs.get(runId);
    if (!run) throw new UserError(`There is no run with id ${runId}.`);
    if (run.ended) throw new UserError(`Run ${runId} has ended; start the graph again to inject events.`);
    const node = this.graphs.get(runId)?.nodes.find((n) => n.id === nodeId);
    if (!node) throw new UserError(`The running graph has no node ${nodeId}.`);
    const descriptor = nodeRegistry.get(node.type);
    const inputs = descriptor ? descriptor.ports(applyDefaults(node.config ?? {}, descriptor)).inputs : [];
    if (inputs.length === 0) {
      throw new UserError(`Node ${nodeId} is a source: it has no input to inject into. Inject into a node it feeds.`);
    }
    if (!inputs.includes(port)) {
      throw new UserError(
        `Node ${nodeId} has no input port "${port}"; its inputs are ${inputs.map((p) => `"${p}"`).join(', ')}.`,
      );
    }
    run.handle.inject(nodeId, port, [
      { id: `inject-${++this.injected}`, key: event.key ?? null, time: event.time ?? Date.now(), value: event.value },
    ]);
  }

  async previewExpression(request: PreviewRequest): Promise<PreviewResult> {
    return previewExpression(request);
  }

  listFiles(dir?: string): Promise<FileEntry[]> {
    return this.files.list(dir);
  }

  openFile(filePath: string): Promise<{ path: string; text: string }> {
    return this.files.read(filePath);
  }

  async saveFile(filePath: string, text: string): Promise<void> {
    await this.files.write(filePath, text);
  }

  async loadSchemas(graphPath: string): Promise<GraphSchemas> {
    const graphFile = await this.files.resolve(graphPath, { mustExist: false });
    // The folder is held to the opened folders too (a schemas/ link that leaves them is refused).
    await this.files.resolve(path.join(path.dirname(graphFile), SCHEMAS_FOLDER), { mustExist: false });
    const { schemas, problems } = loadGraphSchemas(graphFile);
    return { schemas, problems };
  }

  /**
   * 1. Check the name (a contract name) and the samples (a list, at most `MAX_SAMPLES`).
   * 2. Take the next free version of that name in the graph's schemas/ (1 for a new contract).
   * 3. Write the draft (inferSchema, `$schema`, `x-sluice.compatibility` BACKWARD) through the
   *    same confined file access as Save.
   */
  async saveContract(graphPath: string, name: string, samples: unknown[]): Promise<{ ref: string; path: string }> {
    if (!isContractName(name)) {
      throw new UserError(
        `"${name}" cannot name a contract: use letters, digits, ".", "_" or "-", starting with a letter or digit.`,
      );
    }
    if (!Array.isArray(samples) || samples.length === 0) {
      throw new UserError('There are no sample events to draft a contract from: tap the edge while events flow.');
    }
    const graphFile = await this.files.resolve(graphPath, { mustExist: false });
    const loaded = loadGraphSchemas(graphFile);
    const version = Math.max(0, ...loaded.schemas.filter((s) => s.name === name).map((s) => s.version)) + 1;
    const ref = `${name}@${version}`;
    const draft = {
      ...inferSchema(samples.slice(0, MAX_SAMPLES), name),
      'x-sluice': { compatibility: DEFAULT_COMPATIBILITY },
    };
    const file = path.join(path.dirname(graphFile), SCHEMAS_FOLDER, schemaFileName({ name, version }));
    await mkdir(path.dirname(file), { recursive: true });
    const written = await this.files.write(file, JSON.stringify(draft, null, 2) + '\n');
    return { ref, path: written };
  }

  async testConnection(request: TestConnectionRequest): Promise<TestConnectionResult> {
    return testConnection(request, process.env, undefined, this.keychain());
  }

  async listExamples(): Promise<ExampleInfo[]> {
    return (await this.readExamples()).map(({ id, name, description }) => ({ id, name, description }));
  }

  async openExample(id: string): Promise<{ text: string }> {
    const entry = (await this.readExamples()).find((e) => e.id === id);
    if (!entry) throw new UserError(`There is no example called ${JSON.stringify(id)}.`);
    const file = path.resolve(this.examplesDir, entry.file);
    if (!isInside(file, this.examplesDir)) {
      throw new UserError(`Example ${id} names a file outside the examples folder.`);
    }
    try {
      return { text: await readFile(file, 'utf8') };
    } catch {
      throw new UserError(`The file of example ${id} (${entry.file}) cannot be read.`);
    }
  }

  /** Stop every live run (final checkpoint each); used when the host shuts down. */
  async stopAll(): Promise<void> {
    await Promise.all([
      ...[...this.runs.values()].filter((r) => !r.ended).map((r) => r.handle.stop()),
      ...[...this.groupRuns.keys()].map((id) => this.stopRun(id)),
    ]);
    const inspectors = [...this.inspectors.values()];
    this.inspectors.clear();
    await Promise.all(inspectors.map((nc) => nc.then((c) => c.close()).catch(() => undefined)));
  }

  /**
   * The working copy of template `id` in the data folder: its relative input files (those that
   * exist in the template's folder) are copied there once, and its outputs are written there.
   */
  private async templateWorkDir(id: string, graph: GraphFile): Promise<string> {
    const entry = (await this.readExamples()).find((e) => e.id === id);
    if (!entry) throw new UserError(`There is no template called ${JSON.stringify(id)}.`);
    const workDir = path.join(this.dataDir as string, 'templates', safeFileName(id));
    await mkdir(workDir, { recursive: true });
    for (const value of pathValues(graph)) {
      if (path.isAbsolute(value)) continue;
      const from = path.resolve(this.examplesDir, value);
      const to = path.resolve(workDir, value);
      if (!isInside(from, this.examplesDir) || !isInside(to, workDir) || !existsSync(from) || existsSync(to)) continue;
      await mkdir(path.dirname(to), { recursive: true });
      await copyFile(from, to);
    }
    return workDir;
  }

  /** Every `path` config field, resolved against `baseDir`, must stay in an opened folder (or `extraRoot`). */
  private async checkRunPaths(graph: GraphFile, baseDir: string, extraRoot?: string): Promise<void> {
    const first = (await this.pathProblems(graph, baseDir, extraRoot))[0];
    if (first) throw new UserError(first.message);
  }

  /** The path fields that resolve outside the opened folders, one problem each. */
  private async pathProblems(graph: GraphFile, baseDir: string, extraRoot?: string): Promise<Problem[]> {
    const problems: Problem[] = [];
    for (const node of graph.nodes) {
      const descriptor = nodeRegistry.get(node.type);
      if (!descriptor) continue;
      for (const [field, schema] of Object.entries(descriptor.config)) {
        const value = node.config?.[field] ?? schema.default;
        if (schema.kind !== 'path' || typeof value !== 'string' || value === '') continue;
        const resolved = path.resolve(baseDir, value);
        if (extraRoot !== undefined && isInside(resolved, extraRoot)) continue;
        if (!(await this.files.contains(resolved))) {
          const where = resolved === value ? '' : ` It resolves to ${resolved};`;
          const opened = this.files.rootDirs.join(', ');
          problems.push({
            severity: 'error',
            nodeId: node.id,
            message: `Node ${node.id} cannot run: its ${field} ${value} is outside the folders you opened.${where || ''} ${where ? 'the' : 'The'} opened folder${this.files.rootDirs.length === 1 ? ' is' : 's are'} ${opened}.`,
          });
        }
      }
    }
    return problems;
  }

  async checkTargets(request: StartRunRequest): Promise<Problem[]> {
    const loaded = parseGraph(request?.graph);
    if (!loaded.ok || typeof request.path !== 'string' || request.path === '') return [];
    const graphPath = await this.files.resolve(request.path, { mustExist: false });
    const { schemas } = loadGraphSchemas(graphPath);
    if (schemas.length === 0) return [];
    return checkWrittenContracts(loaded.graph, { graphPath, schemas, env: process.env, keychain: this.keychain() });
  }

  async checkPaths(request: StartRunRequest): Promise<Problem[]> {
    const loaded = parseGraph(request?.graph);
    if (!loaded.ok || !this.confineRunPaths) return [];
    const graph = loaded.graph;
    let baseDir = this.files.rootDirs[0] ?? process.cwd();
    let extraRoot: string | undefined;
    if (typeof request.path === 'string' && request.path !== '') {
      baseDir = path.dirname(await this.files.resolve(request.path, { mustExist: false }));
    } else if (this.dataDir !== undefined && typeof request.template === 'string') {
      baseDir = path.join(this.dataDir, 'templates', safeFileName(request.template));
      extraRoot = baseDir;
    }
    return this.pathProblems(graph, baseDir, extraRoot);
  }

  private track(handle: RunHandle, statePath: string | undefined): void {
    const run: LiveRun = { handle, statePath, ended: false, sawRunEnded: false, unsubscribe: () => undefined };
    this.runs.set(handle.runId, run);
    run.unsubscribe = handle.subscribe((event) => {
      if (event.type === 'runEnded') {
        run.sawRunEnded = true;
        run.ended = true;
      }
      this.emit(event);
    });
    void handle.done.then((result) => {
      run.ended = true;
      // A subscriber must always learn that the run ended, even if the runtime ended without saying so.
      if (!run.sawRunEnded) {
        const event: RunEvent = { type: 'runEnded', runId: handle.runId, status: result.status };
        if (result.reason !== undefined) event.reason = result.reason;
        this.emit(event);
      }
      run.unsubscribe();
    });
  }

  private emit(raw: RunEvent): void {
    const keychain = this.keychain();
    const event = typeof keychain === 'object' && keychain !== null ? redactRunEvent(raw, keychain) : raw;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // One broken listener (a closed socket) must not starve the others.
      }
    }
  }

  /** Read from a state store without locking it (a live run may hold the lock). */
  private readStore<T>(statePath: string | undefined, read: (store: StateStore) => T, empty: T): T {
    // No store yet (never run, or in memory): nothing to list, which is not an error.
    if (statePath === undefined || !existsSync(statePath)) return empty;
    const store = StateStore.open(statePath, { readonly: true });
    try {
      return read(store);
    } finally {
      store.close();
    }
  }

  private async statePathOf(target: { runId?: string; graphPath?: string }): Promise<string | undefined> {
    if (target?.runId !== undefined) {
      // A group member's checkpoints live in JetStream, per partition (the Group panel shows them).
      if (this.groupRuns.has(target.runId)) return undefined;
      const run = this.runs.get(target.runId);
      if (!run) throw new UserError(`There is no run with id ${target.runId}.`);
      return run.statePath;
    }
    if (target?.graphPath !== undefined) {
      const graphPath = await this.files.resolve(target.graphPath);
      const loaded = loadGraph(await readFile(graphPath, 'utf8'));
      if (!loaded.ok) throw new UserError(`${target.graphPath} is ${loaded.error}.`);
      return defaultStatePath(graphPath, loaded.graph.name);
    }
    throw new UserError('Name a run id or a graph path.');
  }

  private async readExamples(): Promise<ExampleEntry[]> {
    const indexPath = path.join(this.examplesDir, 'index.json');
    let data: unknown;
    try {
      data = JSON.parse(await readFile(indexPath, 'utf8'));
    } catch {
      throw new UserError(`The examples index ${indexPath} is missing or not JSON.`);
    }
    const list: unknown = Array.isArray(data) ? data : (data as { examples?: unknown } | null)?.examples;
    if (!Array.isArray(list)) throw new UserError(`The examples index ${indexPath} has no list of examples.`);
    return list.flatMap((e: unknown): ExampleEntry[] => {
      const r = e as Record<string, unknown> | null;
      if (!r || typeof r.id !== 'string' || typeof r.file !== 'string') return [];
      return [
        {
          id: r.id,
          file: r.file,
          name: typeof r.name === 'string' ? r.name : r.id,
          description: typeof r.description === 'string' ? r.description : '',
        },
      ];
    });
  }
}

/** The values of every `path` config field of the graph's nodes (defaults included). */
function pathValues(graph: GraphFile): string[] {
  const values: string[] = [];
  for (const node of graph.nodes) {
    const descriptor = nodeRegistry.get(node.type);
    if (!descriptor) continue;
    for (const [field, schema] of Object.entries(descriptor.config)) {
      const value = node.config?.[field] ?? schema.default;
      if (schema.kind === 'path' && typeof value === 'string' && value !== '') values.push(value);
    }
  }
  return values;
}

/** Run `step`; a UserError it throws (the scale-out code's fragments) comes out as a sentence. */
async function asSentence<T>(step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof UserError) throw new UserError(sentence(err.message));
    throw err;
  }
}

/** "not JSON: …" → "Not JSON: ….": load errors are fragments; problems are sentences. */
function sentence(fragment: string): string {
  const s = fragment.charAt(0).toUpperCase() + fragment.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

function stripPeriod(s: string): string {
  return s.replace(/\.$/, '');
}
