import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { DeadLetter, EventEnvelope, RunEvent } from '../../../../engine/contract/index.js';
import { EngineService } from '../../../../engine/host/EngineService.js';
import { startWebHost } from '../../../../engine/host/WebHost.js';
import type { WebHost } from '../../../../engine/host/WebHost.js';
import type { RunHandle, RunOptions, RunResult } from '../../../../engine/runtime/RunHandle.js';

/**
 * A stand-in for the runtime, for host-level tests only (the runtime has its own tests): it
 * records what it was started with and emits what a test tells it to.
 */
export class FakeRun implements RunHandle {
  readonly runId: string;
  readonly done: Promise<RunResult>;
  readonly taps: Array<[string, boolean]> = [];
  /** Make `stop` never finish (a run stuck in its final checkpoint). */
  stopHangs = false;
  private finish!: (r: RunResult) => void;
  private readonly listeners = new Set<(e: RunEvent) => void>();

  constructor(
    readonly options: RunOptions,
    n: number,
  ) {
    this.runId = `run-${n}`;
    this.done = new Promise((resolve) => (this.finish = resolve));
  }
  emit(event: RunEvent): void {
    for (const l of this.listeners) l(event);
  }
  end(result: RunResult): void {
    this.finish(result);
  }
  async stop(): Promise<RunResult> {
    if (this.stopHangs) return new Promise(() => undefined);
    const result: RunResult = { status: 'stopped' };
    this.emit({ type: 'runEnded', runId: this.runId, status: 'stopped' });
    this.finish(result);
    return result;
  }
  crashes = 0;
  replayed: number[] = [];
  deadLetters(): DeadLetter[] {
    return [];
  }
  replayDeadLetters(ids: readonly number[]): number {
    this.replayed.push(...ids);
    return ids.length;
  }
  crash(): void {
    this.crashes++;
  }
  injected: Array<[string, string, readonly EventEnvelope[]]> = [];
  inject(nodeId: string, port: string, events: readonly EventEnvelope[]): void {
    this.injected.push([nodeId, port, events]);
  }
  tap(edgeId: string, on: boolean): void {
    this.taps.push([edgeId, on]);
  }
  subscribe(listener: (e: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export interface HostFixture {
  base: string;
  project: string;
  staticDir: string;
  examplesDir: string;
  runs: FakeRun[];
  service: EngineService;
  host: WebHost;
  cleanup(): Promise<void>;
}

export const TOKEN = 'test-token-0123456789';
export const INDEX_HTML = '<!doctype html><title>Sluice</title><div id="root"></div>';

/** A temp project, a tiny built editor, two examples, an `EngineService` and a web host on port 0. */
export async function startFixture(options: { port?: number } = {}): Promise<HostFixture> {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'sluice-host-')));
  const project = path.join(base, 'project');
  const staticDir = path.join(base, 'dist', 'renderer');
  const examplesDir = path.join(base, 'examples');
  mkdirSync(project, { recursive: true });
  mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  mkdirSync(examplesDir, { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), INDEX_HTML);
  writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log("app");');
  writeFileSync(path.join(base, 'dist', 'secret.txt'), 'TOP SECRET');
  writeFileSync(path.join(base, 'secret.txt'), 'TOP SECRET');
  writeFileSync(
    path.join(examplesDir, 'index.json'),
    JSON.stringify([
      { id: 'hello', file: 'hello.sluice.json', name: 'Hello', description: 'A first graph.' },
      { id: 'escape', file: '../secret.txt', name: 'Escape', description: 'Names a file outside.' },
    ]),
  );
  writeFileSync(path.join(examplesDir, 'hello.sluice.json'), '{"format":"sluice/graph"}');
  const runs: FakeRun[] = [];
  const service = new EngineService({
    roots: [project],
    examplesDir,
    startRun: async (opts) => {
      const run = new FakeRun(opts, runs.length + 1);
      runs.push(run);
      return run;
    },
  });
  const host = await startWebHost({ port: options.port ?? 0, staticDir, service, token: TOKEN, log: () => undefined });
  return {
    base,
    project,
    staticDir,
    examplesDir,
    runs,
    service,
    host,
    async cleanup() {
      await host.close();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw HTTP request: the path is sent as given (no normalisation) and any header can be forged. */
export function rawRequest(
  port: number,
  requestPath: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: requestPath, method, headers: { Host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A graph the real validator accepts: one bounded generator. */
export function smallGraph(name = 'Small graph'): Record<string, unknown> {
  return {
    format: 'sluice/graph',
    version: 1,
    name,
    nodes: [{ id: 'gen', type: 'source.generator', config: { count: 3 } }],
    edges: [],
  };
}
