/**
 * A private `mosquitto` on a free port, for tests that stop and restart the broker (the
 * machine's one on 1883 is shared). Persistence on, in its own folder, so a persistent session
 * and its queued QoS 1 messages survive a restart as they would on a real broker.
 *
 * `user` is the test's own user: started as root (CI containers), mosquitto otherwise drops to
 * the `mosquitto` user, cannot write its persistence file into this (0700, root's) folder, logs
 * "Permission denied" and restarts empty: the persistent session and its subscription are gone,
 * and what is published before the reader subscribes again is dropped ("no matching
 * subscribers"). `stop` checks that the file was written, so that cannot pass unnoticed.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { freePort, waitFor } from '../brokerTestKit.js';

export const MQTT_URL = 'mqtt://127.0.0.1:1883';

export class PrivateMosquitto {
  private child: ChildProcess | null = null;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-mosquitto-'));
  private constructor(
    readonly port: number,
    /** A second listener, for a test's own clients: `start({ sideOnly: true })` opens only it. */
    readonly sidePort: number,
    private readonly auth: readonly string[],
  ) {}

  /** `login`: only this user, with this password, may connect. */
  static async start(o: { login?: { user: string; password: string } } = {}): Promise<PrivateMosquitto> {
    const port = await freePort();
    let sidePort = await freePort();
    while (sidePort === port) sidePort = await freePort();
    const m = new PrivateMosquitto(port, sidePort, o.login ? ['allow_anonymous false'] : ['allow_anonymous true']);
    if (o.login) {
      const passwords = path.join(m.dir, 'passwords');
      execFileSync('mosquitto_passwd', ['-b', '-c', passwords, o.login.user, o.login.password]);
      (m.auth as string[]).push(`password_file ${passwords}`);
    }
    await m.start();
    return m;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get sideUrl(): string {
    return `mqtt://127.0.0.1:${this.sidePort}`;
  }

  /**
   * Start (again, from its persistence file). `sideOnly`: listen on `sidePort` alone, so the
   * clients of `port` stay away (a test publishes into a session while its reader cannot connect).
   */
  async start(o: { sideOnly?: boolean } = {}): Promise<void> {
    const conf = path.join(this.dir, 'mosquitto.conf');
    fs.writeFileSync(
      conf,
      [
        ...(o.sideOnly ? [] : [`listener ${this.port} 127.0.0.1`]),
        `listener ${this.sidePort} 127.0.0.1`,
        ...this.auth,
        `user ${os.userInfo().username}`,
        'persistence true',
        `persistence_location ${this.dir}/`,
        'autosave_interval 1',
        'max_queued_messages 100000',
        '',
      ].join('\n'),
    );
    this.child = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
    const child = this.child;
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode} (its config: ${conf})`);
        try {
          const c = await mqtt.connectAsync(o.sideOnly ? this.sideUrl : this.url, {
            reconnectPeriod: 0,
            connectTimeout: 1000,
          });
          await c.endAsync();
          return true;
        } catch (err) {
          // A refused login is an answer too: it is listening.
          return typeof (err as { code?: unknown }).code === 'number';
        }
      },
      30_000,
      'mosquitto to listen',
    );
  }

  /** SIGTERM: mosquitto saves its persistence file on the way out (checked). */
  async stop(): Promise<void> {
    if (!(await this.terminate())) return;
    if (!fs.existsSync(path.join(this.dir, 'mosquitto.db')))
      throw new Error(`mosquitto did not save its persistence file in ${this.dir}: a restart would lose the sessions`);
  }

  /** Stop it if running; whether it was. */
  private async terminate(): Promise<boolean> {
    const c = this.child;
    this.child = null;
    if (!c || c.exitCode !== null) return false;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
    return true;
  }

  async dispose(): Promise<void> {
    await this.terminate();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
