import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRabbitMq, loginOf, openRabbitMq } from '../../../../../engine/connectors/rabbitmq/RabbitMqReader.js';
import { uniqueName } from '../connectorTestKit.js';

/**
 * A user whose name and password are not ASCII, made on the machine's RabbitMQ with its own
 * tool for this test: amqplib decoded a URL's user info byte by byte (`unescape`), so such a
 * login, written percent-encoded as URLs require, was refused.
 */
const run = promisify(execFile);
const user = `${uniqueName('sluice-ü')}`;
const password = 'päss:w@rd/ñ 1';

beforeAll(async () => {
  await run('rabbitmqctl', ['add_user', user, password], { timeout: 30_000 });
  await run('rabbitmqctl', ['set_permissions', '-p', '/', user, '.*', '.*', '.*'], { timeout: 30_000 });
}, 60_000);
afterAll(async () => {
  await run('rabbitmqctl', ['delete_user', user], { timeout: 30_000 });
}, 60_000);

/** One connection as the connectors open it, with nothing to prepare. */
const open = (url: string) =>
  openRabbitMq(
    url,
    'sluice login test',
    10_000,
    false,
    async () => {},
    () => {},
  );

describe('a RabbitMQ login from the URL', () => {
  it('logs in with a percent-encoded non-ASCII user and password', async () => {
    const url = `amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:5672`;
    expect(loginOf(url)).toEqual({ user, password });
    await closeRabbitMq(await open(url));
  });

  it('is refused, in one line, with the wrong password', async () => {
    const url = `amqp://${encodeURIComponent(user)}:${encodeURIComponent('päss')}@127.0.0.1:5672`;
    await expect(open(url)).rejects.toThrow(/refused the login/);
  });

  it('leaves a URL without user info to amqplib (guest)', () => {
    expect(loginOf('amqp://127.0.0.1:5672')).toBeNull();
  });
});
