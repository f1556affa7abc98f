/**
 * The RabbitMQ, MQTT and webhook templates (assets/examples) through the real CLI against the
 * local servers: "Orders from RabbitMQ into PostgreSQL", "IoT over MQTT with windows into
 * Redis" and "Webhook alerts to chat and MQTT". Each copy gets its queues, topics, tables and
 * streams renamed with a random suffix (other test runs share the servers). A template whose
 * server is not running fails with one line that says so.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import type { IPublishPacket } from 'mqtt';
import pg from 'pg';
import { createClient } from 'redis';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, suffix, waitFor } from '../unit/engine/connectors/brokerTestKit.js';
import { MQTT_URL } from '../unit/engine/connectors/mqtt/mosquittoTestKit.js';
import {
  deleteQueues,
  publishJson,
  queueDepth,
  rabbitAdmin,
} from '../unit/engine/connectors/rabbitmq/rabbitMqTestKit.js';
import { CLI, REPO, runCli } from './sluiceCli.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-msg-templates-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The template's text with names replaced, written into its own folder. */
function copyTemplate(id: string, rename: Array<[RegExp, string]>): string {
  let text = fs.readFileSync(path.join(REPO, 'assets/examples', `${id}.sluice.json`), 'utf8');
  for (const [from, to] of rename) text = text.replace(from, to);
  const dir = path.join(work, `${id}-${suffix()}`);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${id}.sluice.json`);
  fs.writeFileSync(file, text);
  return file;
}

/** Run until `done`, then SIGINT; the exit code. `started` runs once the process is up. */
async function runUntilDone(
  file: string,
  done: () => Promise<boolean>,
  env: Record<string, string> = {},
  started?: () => Promise<void>,
): Promise<number | null> {
  const child = spawn(process.execPath, [CLI, 'run', file], {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    await started?.();
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`the run ended early (exit ${child.exitCode})`);
        return done();
      },
      60_000,
      `${path.basename(file)} to deliver`,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; stderr: ${err}`);
  } finally {
    child.kill('SIGINT');
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await exited;
  clearTimeout(timer);
  if (code === null) throw new Error(`the run did not stop on SIGINT; stderr: ${err}`);
  return code;
}

describe('messaging templates against the local servers', () => {
  it('Orders from RabbitMQ into PostgreSQL: one row per order id, the non-JSON message to orders.dead', async () => {
    const s = suffix();
    const queue = `orders_${s}`;
    const table = `orders_${s}`;
    const file = copyTemplate('rabbitmq-orders-into-postgres', [
      [/"queue": "orders"/, `"queue": "${queue}"`],
      [/"queue": "orders\.dead"/, `"queue": "${queue}.dead"`],
      [/"table": "orders"/, `"table": "${table}"`],
    ]);
    const admin = await rabbitAdmin();
    const db = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
    await db.connect();
    try {
      // 50 orders over 40 order ids (the last 10 update their row: o1 ends with the total of its second order), one broken message.
      const orders = Array.from({ length: 50 }, (_, i) => ({
        orderId: `o${i % 40}`,
        customer: `c${i % 7}`,
        quantity: 1 + (i % 3),
        unitPrice: 2.5,
      }));
      await publishJson(admin, queue, 'classic', orders);
      await publishJson(admin, queue, 'classic', ['not json'], true);
      const rows = async (): Promise<number> =>
        Number(
          (await db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM "${table}"`).catch(() => ({ rows: [{ n: '0' }] })))
            .rows[0]!.n,
        );
      const code = await runUntilDone(
        file,
        async () => (await rows()) >= 40 && (await queueDepth(admin, `${queue}.dead`)) >= 1,
        {
          PGUSER: 'postgres',
          PGDATABASE: 'test',
        },
      );
      expect(code).toBe(0);
      expect(await rows()).toBe(40);
      const o1 = await db.query<{ value: { total: number } }>(`SELECT value FROM "${table}" WHERE key = 'o1'`);
      expect(o1.rows[0]!.value.total).toBe(7.5);
      expect(await queueDepth(admin, `${queue}.dead`)).toBe(1);
      expect(await queueDepth(admin, queue)).toBe(0);
    } finally {
      await db.query(`DROP TABLE IF EXISTS "${table}"`);
      await db.end();
      await deleteQueues(admin, [queue, `${queue}.dead`]);
      await admin.close();
    }
  }, 120_000);

  it('Orders from RabbitMQ says in one line that the server is not running', async () => {
    const port = await freePort();
    const file = copyTemplate('rabbitmq-orders-into-postgres', [
      [/amqp:\/\/127\.0\.0\.1:5672/g, `amqp://127.0.0.1:${port}`],
      [/"prefetch": 10000/, '"prefetch": 10000, "connectTimeoutMs": 1000'],
      [/"envelope": true/, '"envelope": true, "connectTimeoutMs": 1000'],
    ]);
    const r = await runCli(['run', file], { timeoutMs: 60_000, env: { PGUSER: 'postgres', PGDATABASE: 'test' } });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(
      new RegExp(
        `^run failed: node "\\w+": RabbitMQ at amqp://127\\.0\\.0\\.1:${port}: connect ECONNREFUSED .*; is the server running\\?$`,
      ),
    );
  });

  it('IoT over MQTT with windows into Redis: 5-second averages per sensor', async () => {
    const s = suffix();
    const clientId = `sluice-iot-${s}`;
    const stream = `sensor-averages-${s}`;
    const file = copyTemplate('mqtt-iot-windows-into-redis', [
      [/sensors\/\+\/temperature/g, `sensors_${s}/+/temperature`],
      [/"clientId": "sluice-iot"/, `"clientId": "${clientId}"`],
      [/"stream": "sensor-averages"/, `"stream": "${stream}"`],
    ]);
    // The persistent session exists before the readings: the broker queues them for the run.
    const session = await mqtt.connectAsync(MQTT_URL, {
      protocolVersion: 5,
      clientId,
      clean: false,
      properties: { sessionExpiryInterval: 300 },
    });
    await session.subscribeAsync(`sensors_${s}/+/temperature`, { qos: 1 });
    await session.endAsync();
    const producer = await mqtt.connectAsync(MQTT_URL, { protocolVersion: 5 });
    const redis = createClient({ url: 'redis://127.0.0.1:6379' });
    await redis.connect();
    try {
      for (let t = 0; t < 15_000; t += 100)
        for (const k of [0, 1, 2])
          await producer.publishAsync(
            `sensors_${s}/s${k}/temperature`,
            JSON.stringify({ ts: t, celsius: 20 + k + ((t / 100) % 2) }),
            { qos: 1 },
          );
      // Watermark = 14 900 − 1 000: the windows [0, 5000) and [5000, 10000) of each sensor fire.
      const code = await runUntilDone(file, async () => (await redis.xLen(stream)) >= 6);
      expect(code).toBe(0);
      const entries = await redis.xRange(stream, '-', '+');
      const windows = entries.map(
        (e) => JSON.parse(e.message.payload!) as { key: string; start: number; value: number; count: number },
      );
      const first6 = windows
        .filter((w) => w.start < 10_000)
        .sort((a, b) => a.key.localeCompare(b.key) || a.start - b.start);
      expect(first6.map((w) => [w.key, w.start, w.value, w.count])).toEqual([
        ['s0', 0, 20.5, 50],
        ['s0', 5000, 20.5, 50],
        ['s1', 0, 21.5, 50],
        ['s1', 5000, 21.5, 50],
        ['s2', 0, 22.5, 50],
        ['s2', 5000, 22.5, 50],
      ]);
    } finally {
      await producer.endAsync();
      await redis.del([stream, `${stream}:sluice-commits`]);
      await redis.close();
      // Drop the session.
      const c = await mqtt.connectAsync(MQTT_URL, { protocolVersion: 5, clientId, clean: true });
      await c.endAsync();
    }
  }, 120_000);

  it('Webhook alerts: 200 after the checkpoint, critical ones to the chat webhook, all retained on MQTT', async () => {
    const s = suffix();
    const port = await freePort();
    const chat: Array<{ key: string; body: string }> = [];
    const chatServer = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        chat.push({ key: String(req.headers['idempotency-key']), body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => chatServer.listen(0, '127.0.0.1', r));
    const chatPort = (chatServer.address() as { port: number }).port;
    const file = copyTemplate('webhook-alerts-to-chat', [
      [/"port": 8787/, `"port": ${port}`],
      [/"topic": "alerts\/\$\{key\}"/, `"topic": "alerts_${s}/\${key}"`],
    ]);
    const alerts = [
      { service: 'db', severity: 'critical', message: 'disk full' },
      { service: 'api', severity: 'warning', message: 'slow' },
    ];
    let status = 0;
    try {
      const code = await runUntilDone(
        file,
        async () => status === 200 && chat.length >= 1,
        { WEBHOOK_TOKEN: 't0ken', CHAT_WEBHOOK_URL: `http://127.0.0.1:${chatPort}/chat` },
        async () => {
          const url = `http://127.0.0.1:${port}/alerts`;
          await waitFor(
            async () =>
              fetch(url, { method: 'OPTIONS' }).then(
                () => true,
                () => false,
              ),
            30_000,
            'the webhook to listen',
          );
          const res = await fetch(url, {
            method: 'POST',
            headers: { Authorization: 'Bearer t0ken' },
            body: JSON.stringify(alerts),
            signal: AbortSignal.timeout(30_000),
          });
          status = res.status;
        },
      );
      expect(code).toBe(0);
      expect(status).toBe(200);
      expect(chat.map((c) => JSON.parse(c.body) as unknown)).toEqual([{ text: 'db: disk full' }]);
      expect(chat[0]!.key).toBe('http-0');
      // Retained: a dashboard connecting now sees the last alert of each service.
      const dash = await mqtt.connectAsync(MQTT_URL, { protocolVersion: 5 });
      const got: IPublishPacket[] = [];
      dash.on('message', (_t, _p, p) => got.push(p));
      await dash.subscribeAsync(`alerts_${s}/#`, { qos: 1 });
      await waitFor(() => got.length >= 2, 10_000, 'two retained alerts');
      expect(got.map((p) => p.topic).sort()).toEqual([`alerts_${s}/api`, `alerts_${s}/db`]);
      await dash.unsubscribeAsync(`alerts_${s}/#`);
      for (const t of new Set(got.map((p) => p.topic))) await dash.publishAsync(t, '', { qos: 1, retain: true });
      await dash.endAsync();
    } finally {
      chatServer.close();
    }
  }, 120_000);
});
