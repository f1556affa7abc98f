import type {
  CheckpointInfo,
  DeadLetter,
  EngineApi,
  ExampleInfo,
  FileEntry,
  RunEvent,
  StartRunRequest,
  Unsubscribe,
} from '../../engine/contract/EngineApi.js';
import type { Problem } from '../../engine/contract/problem.js';
import type { ApiMethod } from '../../engine/contract/wireProtocol.js';

/**
 * EngineApi as calls over a message transport: every method becomes `send(method, args)`. The
 * WebSocket and the Electron IPC clients extend it and differ only in how a call travels and how
 * events arrive, so the two can never disagree on a method's arguments.
 */
export abstract class ForwardingEngineApi implements EngineApi {
  /** Send one call; resolves with the engine's answer, rejects with its one-sentence error. */
  protected abstract send(method: ApiMethod, args: unknown[]): Promise<unknown>;
  abstract subscribe(listener: (event: RunEvent) => void): Unsubscribe;

  validate(graph: unknown): Promise<Problem[]> {
    return this.send('validate', [graph]) as Promise<Problem[]>;
  }
  startRun(request: StartRunRequest): Promise<{ runId: string }> {
    return this.send('startRun', [request]) as Promise<{ runId: string }>;
  }
  async stopRun(runId: string): Promise<void> {
    await this.send('stopRun', [runId]);
  }
  async crashRun(runId: string): Promise<void> {
    await this.send('crashRun', [runId]);
  }
  async tapEdge(runId: string, edgeId: string, on: boolean): Promise<void> {
    await this.send('tapEdge', [runId, edgeId, on]);
  }
  listCheckpoints(target: { runId?: string; graphPath?: string }): Promise<CheckpointInfo[]> {
    return this.send('listCheckpoints', [target]) as Promise<CheckpointInfo[]>;
  }
  listDeadLetters(target: { runId?: string; graphPath?: string }): Promise<DeadLetter[]> {
    return this.send('listDeadLetters', [target]) as Promise<DeadLetter[]>;
  }
  replayDeadLetters(runId: string, ids: number[]): Promise<{ replayed: number }> {
    return this.send('replayDeadLetters', [runId, ids]) as Promise<{ replayed: number }>;
  }
  listFiles(dir?: string): Promise<FileEntry[]> {
    return this.send('listFiles', dir === undefined ? [] : [dir]) as Promise<FileEntry[]>;
  }
  openFile(path: string): Promise<{ path: string; text: string }> {
    return this.send('openFile', [path]) as Promise<{ path: string; text: string }>;
  }
  async saveFile(path: string, text: string): Promise<void> {
    await this.send('saveFile', [path, text]);
  }
  listExamples(): Promise<ExampleInfo[]> {
    return this.send('listExamples', []) as Promise<ExampleInfo[]>;
  }
  openExample(id: string): Promise<{ text: string }> {
    return this.send('openExample', [id]) as Promise<{ text: string }>;
  }
}
