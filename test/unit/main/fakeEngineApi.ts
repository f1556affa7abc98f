import type { EngineApi, RunEvent, TestConnectionRequest } from '../../../engine/contract/EngineApi.js';
import type { EngineChild } from '../../../main/EngineRelay.js';
import { serveEngineProcess } from '../../../main/engineProcessApi.js';
import type { EngineProcessService } from '../../../main/engineProcessApi.js';

/**
 * An in-memory EngineApi for the desktop tests: records calls, answers with fixed data, and lets
 * a test push run events. Stands in for EngineService on the far side of the utility process.
 */
export class FakeEngineApi implements EngineProcessService {
  readonly calls: Array<{ method: string; args: unknown[] }> = [];
  readonly granted: string[] = [];
  private readonly listeners = new Set<(event: RunEvent) => void>();

  private record(method: string, args: unknown[]): void {
    this.calls.push({ method, args });
  }
  emit(event: RunEvent): void {
    for (const l of this.listeners) l(event);
  }
  async validate(graph: unknown) {
    this.record('validate', [graph]);
    return [{ severity: 'error' as const, message: 'The graph has no nodes.' }];
  }
  async checkPaths(request: Parameters<EngineApi['checkPaths']>[0]) {
    this.record('checkPaths', [request]);
    return [];
  }
  async checkTargets(request: Parameters<EngineApi['checkTargets']>[0]) {
    this.record('checkTargets', [request]);
    return [];
  }
  async previewRun(request: Parameters<EngineApi['previewRun']>[0]) {
    this.record('previewRun', [request]);
    return null;
  }
  async startRun(request: Parameters<EngineApi['startRun']>[0]) {
    this.record('startRun', [request]);
    if (request.graph.name === 'bad') throw new Error('Node "x" has an unknown type "nope".');
    return { runId: 'run-1' };
  }
  async startGroupRun(request: Parameters<EngineApi['startGroupRun']>[0]) {
    this.record('startGroupRun', [request]);
    return { runId: 'group-1', memberId: 'm1', group: request.group, natsUrl: 'nats://127.0.0.1:4222', partitions: 4 };
  }
  async readGroup(request: Parameters<EngineApi['readGroup']>[0]) {
    this.record('readGroup', [request]);
    return { group: request.group, natsUrl: 'nats://127.0.0.1:4222', partitions: 0, members: [], leases: [] };
  }
  async injectEvent(...args: Parameters<EngineApi['injectEvent']>) {
    this.record('injectEvent', args);
  }
  async previewExpression(request: Parameters<EngineApi['previewExpression']>[0]) {
    this.record('previewExpression', [request]);
    return { ok: true as const, value: null };
  }
  async replayDeadLetters(runId: string, ids: number[]) {
    this.record('replayDeadLetters', [runId, ids]);
    return { replayed: ids.length };
  }
  async crashRun(runId: string) {
    this.record('crashRun', [runId]);
  }
  async stopRun(runId: string) {
    this.record('stopRun', [runId]);
  }
  subscribe(listener: (event: RunEvent) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  async tapEdge(runId: string, edgeId: string, on: boolean) {
    this.record('tapEdge', [runId, edgeId, on]);
  }
  async listCheckpoints(target: { runId?: string; graphPath?: string }) {
    this.record('listCheckpoints', [target]);
    return [{ id: 1, startedAt: 1, completedAt: 2, durationMs: 1, bytes: 10, nodes: {} }];
  }
  async listDeadLetters(target: { runId?: string; graphPath?: string }) {
    this.record('listDeadLetters', [target]);
    return [];
  }
  async listFiles(dir?: string) {
    this.record('listFiles', dir === undefined ? [] : [dir]);
    return [{ path: '/g/a.sluice.json', name: 'a.sluice.json', isDirectory: false }];
  }
  async openFile(path: string) {
    this.record('openFile', [path]);
    return { path, text: '{}' };
  }
  async saveFile(path: string, text: string) {
    this.record('saveFile', [path, text]);
  }
  async listExamples() {
    this.record('listExamples', []);
    return [{ id: 'fraud', name: 'Fraud alerts', description: 'd' }];
  }
  async openExample(id: string) {
    this.record('openExample', [id]);
    return { text: '{"name":"x"}' };
  }
  async loadSchemas(graphPath: string) {
    this.record('loadSchemas', [graphPath]);
    return { schemas: [], problems: [] };
  }
  async saveContract(graphPath: string, name: string, samples: unknown[]) {
    this.record('saveContract', [graphPath, name, samples]);
    return { ref: `${name}@1`, path: `/g/schemas/${name}@1.schema.json` };
  }
  async testConnection(request: TestConnectionRequest) {
    this.record('testConnection', [request]);
    return { ok: true as const };
  }
  async grantFolder(folder: string) {
    this.granted.push(folder);
  }
  /** Every hand-over of the keychain's secrets, in order. */
  readonly keychains: Array<Record<string, string>> = [];
  async setKeychainSecrets(secrets: Record<string, string>) {
    this.keychains.push(secrets);
  }
}

/**
 * An engine "process" in memory: `serveEngineProcess` over a message pair that structured-clones and
 * delivers asynchronously, like Electron's utility-process port. `crash(code)` ends it.
 */
export function inMemoryEngine(api: FakeEngineApi): EngineChild & { crash(code: number): void; killed: boolean } {
  const toChild: Array<(m: unknown) => void> = [];
  const toParent: Array<(m: never) => void> = [];
  const exits: Array<(code: number) => void> = [];
  let alive = true;
  const deliver = <T>(listeners: Array<(m: T) => void>, message: unknown): void => {
    const copy = structuredClone(message) as T;
    setTimeout(() => {
      if (alive) for (const l of listeners) l(copy);
    }, 0);
  };
  toChild.push(serveEngineProcess({ send: (m) => deliver(toParent, m) }, api, () => undefined));
  const child = {
    killed: false,
    postMessage: (m: unknown) => deliver(toChild, m),
    onMessage: (l: (m: never) => void) => void toParent.push(l),
    onExit: (l: (code: number) => void) => void exits.push(l),
    kill: () => {
      child.killed = true;
      alive = false;
    },
    crash: (code: number) => {
      alive = false;
      for (const l of exits) l(code);
    },
  };
  return child as EngineChild & { crash(code: number): void; killed: boolean };
}
