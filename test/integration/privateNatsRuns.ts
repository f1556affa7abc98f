/**
 * The fixture of the tests that run `sluice` processes against a private nats-server (the group
 * and broker-topic tests): the server, a connection to it and a scratch folder, made before the
 * file's tests; every process started through it is SIGKILLed after them, then the server stops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll } from 'vitest';
import { readGroup, type GroupView } from '../../engine/scaleout/readGroup.js';
import { startNats, type PrivateNats } from '../support/natsServer.js';
import { CLI, REPO } from './sluiceCli.js';

/** A `sluice` process a test started: its stderr so far, its exit code, whether it still runs. */
export interface CliProcess {
  child: ChildProcess;
  stderr(): string;
  exited: Promise<number | null>;
  running(): boolean;
}

export interface PrivateNatsRuns {
  readonly nats: PrivateNats;
  readonly nc: NatsConnection;
  /** The scratch folder (removed after the tests). */
  readonly dir: string;
  /** `node dist/cli.js …args` from the repo, with `env` over the test's environment. */
  spawn(args: string[], env?: Record<string, string>): CliProcess;
  /** Group `group` as `sluice group` shows it; undefined while it cannot be read yet. */
  groupView(group: string): Promise<GroupView | undefined>;
}

/** The member id a `sluice run --group` process printed when it joined, once it has. */
export const memberIdOf = (m: CliProcess): string | undefined => /joined as (\S+)/.exec(m.stderr())?.[1];

export function usePrivateNatsRuns(dirPrefix: string): PrivateNatsRuns {
  let nats: PrivateNats | undefined;
  let nc: NatsConnection | undefined;
  let dir: string | undefined;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    nats = await startNats();
    nc = await connect({ servers: nats.url });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), dirPrefix));
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await nc?.close();
    await nats?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  const ready = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} is used before the fixture's beforeAll ran`);
    return v;
  };
  return {
    get nats() {
      return ready(nats, 'the nats-server');
    },
    get nc() {
      return ready(nc, 'the NATS connection');
    },
    get dir() {
      return ready(dir, 'the scratch folder');
    },
    spawn(args, env = {}) {
      const child = spawn(process.execPath, [CLI, ...args], {
        cwd: REPO,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, ...env },
      });
      children.push(child);
      let err = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
      let done = false;
      const exited = new Promise<number | null>((r) =>
        child.once('exit', (code) => {
          done = true;
          r(code);
        }),
      );
      return { child, stderr: () => err, exited, running: () => !done };
    },
    async groupView(group) {
      try {
        return await readGroup(ready(nc, 'the NATS connection'), group);
      } catch {
        return undefined;
      }
    },
  };
}
