import type {
  EngineApi,
  ExampleInfo,
  GraphSchemas,
  GroupRunStarted,
  GroupState,
  GroupStateRequest,
  RestorePreview,
  RunEvent,
  StartGroupRunRequest,
  StartRunRequest,
  TestConnectionRequest,
  TestConnectionResult,
} from '../../../engine/contract/EngineApi.js';
import { KEYCHAIN_API, type KeychainApi } from '../../../engine/contract/DesktopApi.js';
import { ENGINE_API } from '../../../engine/contract/EngineApi.js';
import type { GraphFile } from '../../../engine/contract/graphFile.js';
import { UserError } from '../../../engine/contract/operator.js';
import type { Problem } from '../../../engine/contract/problem.js';
import type { InjectedEvent, PreviewRequest, PreviewResult } from '../../../engine/contract/EngineApi.js';
import { fromService } from '../../../engine/contract/rpc/fromService.js';
import type { ServiceOf } from '../../../engine/contract/rpc/method.js';
import { toService } from '../../../engine/contract/rpc/toService.js';
import { validate } from '../../../engine/graph/validate.js';
import { nodeRegistry } from '../../../engine/nodes/registry.js';
import type { KeyValueStorage } from '../../../renderer/actions/ActionManager.js';
import { createEditor } from '../../../renderer/createEditor.js';
import type { Editor } from '../../../renderer/EditorContext.js';
import { createEditorStore } from '../../../renderer/store/createEditorStore.js';
import type { EditorState } from '../../../renderer/store/editorState.js';

/**
 * The engine at the API boundary: answers from memory (a map of files, a list of examples),
 * records every call that reached it, and lets a test push run events or make a method fail.
 * The editor reaches it through the real generated client and the real schema check, as it
 * reaches a host, so a call the host would refuse is refused here too.
 */
export class FakeEngine implements ServiceOf<typeof ENGINE_API> {
  readonly calls: Array<{ method: string; args: unknown[] }> = [];
  readonly files = new Map<string, string>();
  examples: Array<ExampleInfo & { text: string }> = [];
  /** Methods that reject, with the sentence they reject with. */
  readonly failing = new Map<string, string>();
  /** Events a run sends before `startRun` has answered with its id (a fast run, a slow link). */
  eventsBeforeAnswer: (runId: string) => RunEvent[] = () => [];
  private runs = 0;
  private readonly listeners = new Set<(event: RunEvent) => void>();

  /** The engine as the editor sees it: generated client → schema check → this fake. */
  readonly api: EngineApi = {
    ...toService(ENGINE_API, fromService(ENGINE_API, this)),
    subscribe: (listener) => {
      this.listeners.add(listener);
      return () => void this.listeners.delete(listener);
    },
  };

  emit(event: RunEvent): void {
    for (const l of [...this.listeners]) l(event);
  }

  /** The calls of one method, by their arguments. */
  callsOf(method: string): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  private record(method: string, args: unknown[]): void {
    this.calls.push({ method, args });
    const failure = this.failing.get(method);
    if (failure !== undefined) throw new UserError(failure);
  }

  async validate(graph: unknown): Promise<Problem[]> {
    this.record('validate', [graph]);
    return validate(graph, nodeRegistry);
  }
  async startRun(request: StartRunRequest): Promise<{ runId: string }> {
    this.record('startRun', [request]);
    const runId = `run-${++this.runs}`;
    for (const event of this.eventsBeforeAnswer(runId)) this.emit(event);
    return { runId };
  }
  /** What `readGroup` answers (tests set it); null: the group does not exist. */
  group: GroupState | null = null;
  async startGroupRun(request: StartGroupRunRequest): Promise<GroupRunStarted> {
    this.record('startGroupRun', [request]);
    const runId = `group-${++this.runs}`;
    for (const event of this.eventsBeforeAnswer(runId)) this.emit(event);
    return {
      runId,
      memberId: 'me-1',
      group: request.group,
      natsUrl: request.natsUrl || 'nats://127.0.0.1:4222',
      partitions: request.graph.settings?.partitions ?? 0,
    };
  }
  async readGroup(request: GroupStateRequest): Promise<GroupState> {
    this.record('readGroup', [request]);
    if (!this.group) throw new UserError(`there is no group "${request.group}" on this NATS (no member has joined it)`);
    return this.group;
  }
  async checkPaths(request: StartRunRequest): Promise<Problem[]> {
    this.record('checkPaths', [request]);
    return [];
  }
  /** What `checkTargets` answers (tests set them). */
  targetProblems: Problem[] = [];
  async checkTargets(request: StartRunRequest): Promise<Problem[]> {
    this.record('checkTargets', [request]);
    return this.targetProblems;
  }
  /** What `previewRun` answers (null: the run would start empty). */
  preview: RestorePreview | null = null;
  async previewRun(request: StartRunRequest): Promise<RestorePreview | null> {
    this.record('previewRun', [request]);
    return this.preview;
  }
  async stopRun(runId: string): Promise<void> {
    this.record('stopRun', [runId]);
  }
  async crashRun(runId: string): Promise<void> {
    this.record('crashRun', [runId]);
  }
  async tapEdge(runId: string, edgeId: string, on: boolean): Promise<void> {
    this.record('tapEdge', [runId, edgeId, on]);
  }
  async listCheckpoints(target: { runId?: string; graphPath?: string }) {
    this.record('listCheckpoints', [target]);
    return [];
  }
  async listDeadLetters(target: { runId?: string; graphPath?: string }) {
    this.record('listDeadLetters', [target]);
    return [];
  }
  /** What previewExpression answers (the engine's work; the editor only shows it). */
  expressionPreview: (request: PreviewRequest) => PreviewResult = () => ({ ok: true, value: null });
  async injectEvent(runId: string, nodeId: string, port: string, event: InjectedEvent): Promise<void> {
    this.record('injectEvent', [runId, nodeId, port, event]);
  }
  async previewExpression(request: PreviewRequest): Promise<PreviewResult> {
    this.record('previewExpression', [request]);
    return this.expressionPreview(request);
  }
  async replayDeadLetters(runId: string, ids: number[]) {
    this.record('replayDeadLetters', [runId, ids]);
    return { replayed: ids.length };
  }
  async listFiles(dir?: string) {
    this.record('listFiles', dir === undefined ? [] : [dir]);
    return [...this.files.keys()].map((path) => ({ path, name: path.split('/').pop() ?? path, isDirectory: false }));
  }
  async openFile(path: string) {
    this.record('openFile', [path]);
    const text = this.files.get(path);
    if (text === undefined) throw new UserError(`${path} does not exist.`);
    return { path, text };
  }
  async saveFile(path: string, text: string): Promise<void> {
    this.record('saveFile', [path, text]);
    this.files.set(path, text);
  }
  async listExamples() {
    this.record('listExamples', []);
    return this.examples.map(({ id, name, description }) => ({ id, name, description }));
  }
  async openExample(id: string) {
    this.record('openExample', [id]);
    const example = this.examples.find((e) => e.id === id);
    if (!example) throw new UserError(`There is no example called "${id}".`);
    return { text: example.text };
  }
  /** The contracts `loadSchemas` returns (tests set them). */
  schemas: GraphSchemas = { schemas: [], problems: [] };
  async loadSchemas(graphPath: string) {
    this.record('loadSchemas', [graphPath]);
    return this.schemas;
  }
  async saveContract(graphPath: string, name: string, samples: unknown[]) {
    this.record('saveContract', [graphPath, name, samples]);
    return { ref: `${name}@1`, path: `schemas/${name}@1.schema.json` };
  }
  /** What `testConnection` answers, by URL (tests set them); unknown URLs answer ok. */
  readonly connectionAnswers = new Map<string, TestConnectionResult>();
  async testConnection(request: TestConnectionRequest): Promise<TestConnectionResult> {
    this.record('testConnection', [request]);
    return this.connectionAnswers.get(request.url) ?? { ok: true };
  }
}

/**
 * The desktop app's keychain as the page sees it (main/SecretStore behind the bridge): names
 * and values in memory, reached through the generated client and the real schema check, so a
 * name the bridge would refuse is refused here too. `available` false: a desktop without a keyring.
 */
export class FakeKeychain implements KeychainApi {
  readonly secrets = new Map<string, string>();
  available = true;
  readonly calls: Array<{ method: string; args: unknown[] }> = [];
  readonly api: KeychainApi = toService(KEYCHAIN_API, fromService(KEYCHAIN_API, this));

  async keychainAvailable(): Promise<boolean> {
    this.calls.push({ method: 'keychainAvailable', args: [] });
    return this.available;
  }
  async listKeychainSecrets(): Promise<string[]> {
    this.calls.push({ method: 'listKeychainSecrets', args: [] });
    return [...this.secrets.keys()].sort();
  }
  async saveKeychainSecret(name: string, value: string): Promise<void> {
    this.calls.push({ method: 'saveKeychainSecret', args: [name, value] });
    if (!this.available) throw new UserError('This computer has no keychain Sluice can use.');
    this.secrets.set(name, value);
  }
  async deleteKeychainSecret(name: string): Promise<void> {
    this.calls.push({ method: 'deleteKeychainSecret', args: [name] });
    this.secrets.delete(name);
  }
}

/** `localStorage` in memory. */
export class MemoryStorage implements KeyValueStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

/**
 * An editor as the app makes it (real store, real actions, real graph edits), over a fake
 * engine and fake browser parts: the user's yes/no answers are queued, the clipboard is a
 * string, paints happen when the test says, downloads are recorded, time is a number.
 * tldraw's `TestEditor` is the model.
 */
export class TestEditor {
  readonly engine = new FakeEngine();
  readonly storage = new MemoryStorage();
  readonly downloads: Array<{ name: string; text: string; type: string }> = [];
  /** Questions the editor asked, in order. */
  readonly asked: string[] = [];
  /** Answers to the next questions, in order; a question with none left is answered yes. */
  readonly answers: boolean[] = [];
  /** The system clipboard's text. */
  clipboard = '';
  /** Milliseconds on the editor's clock (edits closer than a second coalesce). */
  now = 1_000_000;
  /** Callbacks waiting for the next paint; `paint()` runs them. */
  private readonly painting: Array<() => void> = [];
  /** What the canvas was asked to do (fit view, zoom), once one is "mounted". */
  readonly flowCalls: string[] = [];
  readonly editor: Editor;

  /** `keychain`: the editor runs as in the desktop app, with this keychain; without, as in the web host. */
  constructor(options: { keychain?: FakeKeychain } = {}) {
    this.editor = createEditor({
      engine: this.engine.api,
      ...(options.keychain ? { keychain: options.keychain.api } : {}),
      store: createEditorStore({ now: () => this.now }),
      confirm: (message) => {
        this.asked.push(message);
        return this.answers.shift() ?? true;
      },
      afterPaint: (fn) => void this.painting.push(fn),
      clipboard: {
        readText: async () => this.clipboard,
        writeText: async (text) => {
          this.clipboard = text;
        },
      },
      storage: this.storage,
      download: (name, text, type) => void this.downloads.push({ name, text, type }),
    });
    // As the app's root does: every engine event goes to the store.
    this.engine.api.subscribe((event) => this.state.applyRunEvent(event));
  }

  /** The editor's state now. */
  get state(): EditorState {
    return this.editor.store.getState();
  }

  /** Run a registered action (as a button or the menu does) and wait until it is done. */
  run(id: string): Promise<void> {
    return this.editor.actions.run(id);
  }

  /** Press keys such as `Mod+Shift+Z` (Mod is Ctrl); true if an action took them. */
  press(keys: string): boolean {
    const key = keys.endsWith('+') ? '+' : keys.slice(keys.lastIndexOf('+') + 1);
    const parts = keys.slice(0, keys.length - key.length).split('+');
    let prevented = false;
    const handled = this.editor.actions.handleKey({
      key,
      ctrlKey: parts.includes('Mod'),
      metaKey: false,
      shiftKey: parts.includes('Shift'),
      altKey: parts.includes('Alt'),
      preventDefault: () => void (prevented = true),
    });
    return handled && prevented;
  }

  /** Load `graph` as if opened from `filePath` (saved) or from elsewhere. */
  load(graph: GraphFile, origin: { filePath?: string; trusted?: boolean } = {}): this {
    this.state.replaceDocument(graph, {
      filePath: origin.filePath ?? null,
      trusted: origin.trusted ?? true,
      saved: origin.filePath !== undefined,
    });
    return this;
  }

  /** Validate the document as the page does after an edit (the app debounces this). */
  validate(): Problem[] {
    this.state.setProblems(validate(this.state.graph, nodeRegistry));
    return this.state.problems as Problem[];
  }

  /** Let the clock move on, so the next edit is its own undo step. */
  wait(ms: number): this {
    this.now += ms;
    return this;
  }

  /** Mount a stand-in canvas that records what the editor asks of it. */
  mountCanvas(): this {
    const record = (name: string) => async () => {
      this.flowCalls.push(name);
      return true;
    };
    this.editor.hooks.flow = {
      fitView: record('fitView'),
      zoomIn: record('zoomIn'),
      zoomOut: record('zoomOut'),
    } as unknown as Editor['hooks']['flow'];
    return this;
  }

  /** Run what waits for the next paint. */
  paint(): void {
    for (const fn of this.painting.splice(0)) fn();
  }

  /** Node ids of the document, in order. */
  get nodeIds(): string[] {
    return this.state.graph.nodes.map((n) => n.id);
  }
}

/** A small valid pipeline: generator → map → console, with code in the map. */
export function pipeline(name = 'Pipeline'): GraphFile {
  return {
    format: 'sluice/graph',
    version: 1,
    name,
    nodes: [
      { id: 'gen', type: 'source.generator', position: { x: 0, y: 0 }, config: { count: 10 } },
      { id: 'double', type: 'map', position: { x: 250, y: 0 }, config: { expression: 'value.seq * 2' } },
      { id: 'out', type: 'sink.console', position: { x: 500, y: 0 }, config: {} },
    ],
    edges: [
      { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'double', port: 'in' } },
      { id: 'e2', from: { node: 'double', port: 'out' }, to: { node: 'out', port: 'in' } },
    ],
  };
}
