/**
 * The real `sluice serve` as a process, and a small client for its EngineApi over WebSocket (the
 * wire protocol of engine/contract/wireProtocol.ts), for tests of what a page in a browser can
 * send it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { WebSocket } from 'ws';
import { ENGINE_API_VERSION } from '../../engine/contract/EngineApi.js';
import { CLI } from './sluiceCli.js';

export interface ServedHost {
  process: ChildProcess;
  /** Everything the host wrote to stderr so far. */
  stderr(): string;
  /** Call an EngineApi method; resolves with its value, rejects with the host's error text. */
  call(method: string, ...args: unknown[]): Promise<unknown>;
  /** Close the socket and stop the host (SIGTERM, then SIGKILL). */
  close(): Promise<void>;
}

/** Start `sluice serve --port 0` in `cwd`, connect, say hello. */
export async function serve(cwd: string): Promise<ServedHost> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sluice serve printed no URL; stderr: ${stderr}`)), 20_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`sluice serve exited (${code ?? signal}) before printing its URL; stderr: ${stderr}`));
    });
  });
  const { port, searchParams } = new URL(url);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${searchParams.get('token')}`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let welcomed: () => void = () => undefined;
  const welcome = new Promise<void>((resolve) => (welcomed = resolve));
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as {
      type: string;
      id?: number;
      ok?: boolean;
      value?: unknown;
      error?: string;
    };
    if (msg.type === 'welcome') welcomed();
    if (msg.type !== 'result' || msg.id === undefined) return;
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.ok) p?.resolve(msg.value);
    else p?.reject(new Error(msg.error));
  });
  const gone = new Promise<never>((_, reject) => {
    ws.on('close', () => reject(new Error(`the host closed the connection; stderr: ${stderr}`)));
  });
  gone.catch(() => undefined);
  ws.send(JSON.stringify({ type: 'hello', version: ENGINE_API_VERSION }));
  await welcome;
  let nextId = 1;
  return {
    process: child,
    stderr: () => stderr,
    call(method, ...args) {
      const id = nextId++;
      const answer = new Promise<unknown>((resolve, reject) => pending.set(id, { resolve, reject }));
      ws.send(JSON.stringify({ type: 'call', id, method, args }));
      return Promise.race([answer, gone]);
    },
    async close() {
      ws.close();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
