/**
 * Helpers for tests against the machine's RabbitMQ (5672, guest/guest): publishing fixtures,
 * counting queues, and closing only this test's connections with the broker's own tool
 * (`rabbitmqctl close_connection`), which is how "the broker went away" is tested here: the
 * system service cannot be stopped, other test runs share it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import type { ChannelModel } from 'amqplib';
import { afterAll, beforeAll } from 'vitest';

export const RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';
const run = promisify(execFile);

export async function rabbitAdmin(): Promise<ChannelModel> {
  return amqp.connect(RABBITMQ_URL);
}

/**
 * A test file's admin connection, opened before its tests; the queues its tests push onto
 * `queues` are deleted after them.
 */
export function useRabbitAdmin(): { readonly admin: ChannelModel; readonly queues: string[] } {
  let admin: ChannelModel | null = null;
  const queues: string[] = [];
  beforeAll(async () => {
    admin = await rabbitAdmin();
  });
  afterAll(async () => {
    if (!admin) return;
    await deleteQueues(admin, queues);
    await admin.close();
  });
  return {
    get admin(): ChannelModel {
      if (!admin) throw new Error('useRabbitAdmin: the admin connection is open only inside tests');
      return admin;
    },
    queues,
  };
}

export async function publishJson(
  admin: ChannelModel,
  queue: string,
  type: string,
  values: readonly unknown[],
  raw = false,
): Promise<void> {
  const ch = await admin.createConfirmChannel();
  await ch.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': type } });
  for (const v of values) ch.sendToQueue(queue, Buffer.from(raw ? String(v) : JSON.stringify(v)), { persistent: true });
  await ch.waitForConfirms();
  await ch.close();
}

/** Ready messages of a classic queue (what no consumer holds); 0 while it does not exist. */
export async function queueDepth(admin: ChannelModel, queue: string): Promise<number> {
  const ch = await admin.createChannel();
  ch.on('error', () => undefined);
  try {
    return (await ch.checkQueue(queue)).messageCount;
  } catch {
    return 0;
  } finally {
    await ch.close().catch(() => undefined);
  }
}

export async function deleteQueues(admin: ChannelModel, queues: readonly string[]): Promise<void> {
  const ch = await admin.createChannel();
  for (const q of queues) await ch.deleteQueue(q).catch(() => undefined);
  await ch.close().catch(() => undefined);
}

/** Close, on the broker's side, every connection whose client-given name contains `match`. Returns how many. */
export async function closeConnections(match: string): Promise<number> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_connections', 'pid', 'client_properties']);
  const names = stdout
    .split('\n')
    .filter((l) => l.includes(`{"connection_name","`) && l.includes(match))
    .map((l) => l.split('\t')[0] as string);
  for (const n of names) await run('rabbitmqctl', ['-q', 'close_connection', n, 'closed by a Sluice test']);
  return names.length;
}
