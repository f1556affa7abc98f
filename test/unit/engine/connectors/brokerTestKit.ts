/**
 * Helpers for connector tests against the real NATS server: the machine's service on 4222 for
 * tests that leave it alone, a private `nats-server -js` on a free port for tests that stop it; the same for Redis.
 * Names carry a random suffix: other test runs use the same server at the same time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connect, type NatsConnection } from 'nats';

export const NATS_URL = 'nats://127.0.0.1:4222';

export const suffix = (): string => Math.random().toString(36).slice(2, 8);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A connection to the shared server, for publishing fixtures and counting what a sink sent. */
export async function natsClient(url = NATS_URL): Promise<NatsConnection> {
  return connect({ servers: url.replace('nats://', '') });
}

export async function createStream(nc: NatsConnection, name: string, subjects: string[]): Promise<void> {
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name, subjects });
}

export async function publishJson(nc: NatsConnection, subject: string, values: readonly unknown[]): Promise<void> {
  const js = nc.jetstream();
  const enc = new TextEncoder();
  for (let i = 0; i < values.length; i += 500) {
    await Promise.all(values.slice(i, i + 500).map((v) => js.publish(subject, enc.encode(JSON.stringify(v)))));
  }
}

export async function streamMessages(nc: NatsConnection, stream: string): Promise<number> {
  const jsm = await nc.jetstreamManager();
  return (await jsm.streams.info(stream)).state.messages;
}

export async function deleteStream(nc: NatsConnection, stream: string): Promise<void> {
  const jsm = await nc.jetstreamManager();
  await jsm.streams.delete(stream).catch(() => false);
}

/**
 * A private server on a free port with its own data folder (nats-server -js, redis-server with
 * an fsynced append-only file): stop (SIGKILL) and start it again, data kept.
 */
export class PrivateServer {
  private child: ChildProcess | null = null;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-broker-'));
  private constructor(
    readonly kind: 'nats' | 'redis',
    readonly port: number,
    private readonly extra: string[],
  ) {}

  /** `extra`: more arguments (`--user u --pass p`, `--requirepass p`). */
  static async start(kind: 'nats' | 'redis', extra: string[] = []): Promise<PrivateServer> {
    const s = new PrivateServer(kind, await freePort(), extra);
    await s.start();
    return s;
  }

  get url(): string {
    return `${this.kind}://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const p = String(this.port);
    this.child =
      this.kind === 'nats'
        ? spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', p, '-sd', this.dir, ...this.extra], { stdio: 'ignore' })
        : spawn(
            'redis-server',
            [
              '--port',
              p,
              '--bind',
              '127.0.0.1',
              '--save',
              '',
              '--appendonly',
              'yes',
              '--appendfsync',
              'always',
              '--dir',
              this.dir,
              ...this.extra,
            ],
            { stdio: 'ignore' },
          );
    await waitFor(() => portOpen(this.port), 10_000, `${this.kind} on port ${p}`);
  }

  async stop(): Promise<void> {
    const c = this.child;
    this.child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/** Poll `cond` until it holds or `ms` pass. */
export async function waitFor(cond: () => boolean | Promise<boolean>, ms: number, what = 'a condition'): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
