/**
 * A private `mosquitto` on a free port, for tests that stop and restart the broker (the
 * machine's one on 1883 is shared). Persistence on, in its own folder, so a persistent session
 * and its queued QoS 1 messages survive a restart as they would on a real broker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { freePort, waitFor } from '../brokerTestKit.js';

export const MQTT_URL = 'mqtt://127.0.0.1:1883';

export class PrivateMosquitto {
  private child: ChildProcess | null = null;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-mosquitto-'));
  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateMosquitto> {
    const m = new PrivateMosquitto(await freePort());
    fs.writeFileSync(
      path.join(m.dir, 'mosquitto.conf'),
      [
        `listener ${m.port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence true',
        `persistence_location ${m.dir}/`,
        'autosave_interval 1',
        'max_queued_messages 100000',
        '',
      ].join('\n'),
    );
    await m.start();
    return m;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn('mosquitto', ['-c', path.join(this.dir, 'mosquitto.conf')], { stdio: 'ignore' });
    await waitFor(
      async () => {
        try {
          const c = await mqtt.connectAsync(this.url, { reconnectPeriod: 0, connectTimeout: 500 });
          await c.endAsync();
          return true;
        } catch {
          return false;
        }
      },
      10_000,
      'mosquitto to listen',
    );
  }

  /** SIGTERM: mosquitto saves its persistence file on the way out. */
  async stop(): Promise<void> {
    const c = this.child;
    this.child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
