import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../../engine/contract/operator.js';
import { StateStore } from '../../../../engine/store/StateStore.js';
import { StoreLock } from '../../../../engine/store/StoreLock.js';

const storeModule = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../engine/store/StateStore.ts',
);

let dir: string;
let dbPath: string;
const children: ChildProcess[] = [];
const stores: StateStore[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-lock-'));
  dbPath = path.join(dir, 'run.db');
});

afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A second Node process that opens the store through the real module (tsx loads the .ts),
 * prints `held` or the error message, then waits until killed.
 */
function childOpening(db: string): { child: ChildProcess; firstLine: Promise<string>; exited: Promise<number | null> } {
  const script = `
    const { StateStore } = await import(${JSON.stringify(storeModule)});
    try { StateStore.open(${JSON.stringify(db)}); console.log('held'); setInterval(() => {}, 1000); }
    catch (e) { console.log(e.message); process.exit(3); }`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const firstLine = new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += String(d);
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    child.on('exit', () => (buf.includes('\n') ? undefined : reject(new Error(`child exited: ${stderr}`))));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, firstLine, exited };
}

describe('StoreLock', () => {
  it('refuses a second opener in the same process with a clear message', () => {
    stores.push(StateStore.open(dbPath));
    expect(() => StateStore.open(dbPath)).toThrow(UserError);
    expect(() => StateStore.open(dbPath)).toThrow(
      `state store ${dbPath} is in use by another Sluice run (pid ${process.pid}, this process)`,
    );
  });

  it('refuses this process while a child process holds the store, naming its pid', async () => {
    const { child, firstLine } = childOpening(dbPath);
    expect(await firstLine).toBe('held');
    expect(() => StateStore.open(dbPath)).toThrow(
      `state store ${dbPath} is in use by another Sluice run (pid ${child.pid}); if no run is active, delete ${dbPath}.lock`,
    );
  });

  it('refuses a child process while this process holds the store', async () => {
    stores.push(StateStore.open(dbPath));
    const { firstLine, exited } = childOpening(dbPath);
    expect(await firstLine).toBe(
      `state store ${dbPath} is in use by another Sluice run (pid ${process.pid}); if no run is active, delete ${dbPath}.lock`,
    );
    expect(await exited).toBe(3);
  });

  it('takes over the lock of a run that was killed', async () => {
    const { child, firstLine, exited } = childOpening(dbPath);
    expect(await firstLine).toBe('held');
    child.kill('SIGKILL');
    await exited;
    expect(StoreLock.ownerOf(dbPath)?.pid).toBe(child.pid);
    const store = StateStore.open(dbPath);
    stores.push(store);
    expect(StoreLock.ownerOf(dbPath)?.pid).toBe(process.pid);
    expect(store.nextCheckpointId()).toBe(1);
  });

  it('treats an empty or garbled lock file as stale', () => {
    fs.writeFileSync(`${dbPath}.lock`, '');
    stores.push(StateStore.open(dbPath));
    expect(StoreLock.ownerOf(dbPath)?.pid).toBe(process.pid);
  });

  it('removes the lock file on close, so the next run opens without a takeover', () => {
    StateStore.open(dbPath).close();
    expect(fs.existsSync(`${dbPath}.lock`)).toBe(false);
    stores.push(StateStore.open(dbPath));
  });

  it('does not remove a lock file that another run has taken over', () => {
    const lock = StoreLock.acquire(dbPath);
    fs.writeFileSync(`${dbPath}.lock`, JSON.stringify({ pid: 1, host: os.hostname(), since: 0 }));
    lock.release();
    expect(StoreLock.ownerOf(dbPath)?.pid).toBe(1);
  });
});
