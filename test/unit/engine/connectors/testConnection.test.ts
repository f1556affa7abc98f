import { describe, expect, it } from 'vitest';
import { testConnection } from '../../../../engine/connectors/testConnection.js';
import { freePort } from './brokerTestKit.js';
import { PrivateMosquitto } from './mqtt/mosquittoTestKit.js';
import amqp from 'amqplib';

describe('testConnection (real servers on loopback)', () => {
  it('answers ok for the local NATS, Redis and PostgreSQL', async () => {
    await expect(testConnection({ kind: 'nats', url: 'nats://127.0.0.1:4222' }, {})).resolves.toEqual({ ok: true });
    await expect(testConnection({ kind: 'redis', url: 'redis://127.0.0.1:6379' }, {})).resolves.toEqual({ ok: true });
    await expect(
      testConnection({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test' }, {}),
    ).resolves.toEqual({ ok: true });
  });

  it('names the URL without credentials and the cause when nothing listens', async () => {
    const port = await freePort();
    const r = await testConnection({ kind: 'nats', url: `nats://alice:s3cret@127.0.0.1:${port}` }, {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain(`nats://127.0.0.1:${port}`);
    expect(r.message).not.toContain('s3cret');
    expect(r.message).not.toContain('alice');
    expect(r.message.split('\n')).toHaveLength(1);
  });

  it('fills ${env:NAME} from the environment, and says which variable is unset', async () => {
    await expect(
      testConnection({ kind: 'redis', url: 'redis://${env:SLUICE_T_HOST}:6379' }, { SLUICE_T_HOST: '127.0.0.1' }),
    ).resolves.toEqual({ ok: true });
    const r = await testConnection({ kind: 'redis', url: 'redis://${env:SLUICE_T_UNSET}:6379' }, {});
    expect(r).toEqual({ ok: false, message: expect.stringContaining('${env:SLUICE_T_UNSET} is not set') });
  });

  it('refuses a refused login and a platform this build cannot test, in one line each', async () => {
    const r = await testConnection({ kind: 'postgres', url: 'postgres://nobody_here:pw@127.0.0.1:5432/test' }, {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).not.toContain(':pw@');
    await expect(testConnection({ kind: 'http', url: 'http://127.0.0.1:8080' }, {})).resolves.toEqual({
      ok: false,
      message: 'This build cannot test http connections.',
    });
  });

  describe('RabbitMQ', () => {
    const URL = 'amqp://guest:guest@127.0.0.1:5672';

    it('logs in, and finds the queue with a passive declare', async () => {
      const queue = `sluice-test-probe-${process.pid}-${Date.now()}`;
      const model = await amqp.connect(URL);
      try {
        const ch = await model.createChannel();
        await ch.assertQueue(queue, { durable: false, autoDelete: false });
        await expect(testConnection({ kind: 'rabbitmq', url: URL, target: queue }, {})).resolves.toEqual({ ok: true });
        await expect(testConnection({ kind: 'rabbitmq', url: URL }, {})).resolves.toEqual({ ok: true });
        await ch.deleteQueue(queue);
      } finally {
        await model.close();
      }
    });

    it('says a missing queue will be declared by the run, and creates nothing itself', async () => {
      const queue = `sluice-test-missing-${process.pid}-${Date.now()}`;
      await expect(testConnection({ kind: 'rabbitmq', url: URL, target: queue }, {})).resolves.toEqual({
        ok: true,
        message: `Connected, but there is no queue "${queue}" yet: the run will declare it.`,
      });
      const model = await amqp.connect(URL);
      try {
        const ch = await model.createChannel();
        ch.on('error', () => {});
        await expect(ch.checkQueue(queue)).rejects.toThrow(/404/);
      } finally {
        await model.close().catch(() => {});
      }
    });

    it('names a refused login, an unknown vhost and a port where nothing listens, in one line without the password', async () => {
      const login = await testConnection({ kind: 'rabbitmq', url: 'amqp://guest:wrong-pw@127.0.0.1:5672' }, {});
      expect(login).toEqual({
        ok: false,
        message: 'Cannot connect to amqp://127.0.0.1:5672: refused the login (check the user and password in the URL)',
      });
      const vhost = await testConnection({ kind: 'rabbitmq', url: `${URL}/no-such-vhost` }, {});
      expect(vhost.ok).toBe(false);
      if (!vhost.ok) expect(vhost.message).toMatch(/no-such-vhost/);
      const port = await freePort();
      const down = await testConnection({ kind: 'rabbitmq', url: `amqp://guest:guest@127.0.0.1:${port}` }, {});
      expect(down.ok).toBe(false);
      if (down.ok) return;
      expect(down.message).toMatch(new RegExp(`^Cannot connect to amqp://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
      expect(down.message).not.toContain('guest');
      for (const r of [login, vhost, down]) if (!r.ok) expect(r.message.split('\n')).toHaveLength(1);
    });
  });

  describe('MQTT', () => {
    it('connects to the local broker and subscribes to the topic filter once', async () => {
      await expect(testConnection({ kind: 'mqtt', url: 'mqtt://127.0.0.1:1883' }, {})).resolves.toEqual({ ok: true });
      await expect(
        testConnection({ kind: 'mqtt', url: 'mqtt://127.0.0.1:1883', target: 'sluice-test/+/temp' }, {}),
      ).resolves.toEqual({ ok: true });
    });

    it('names a bad topic filter', async () => {
      const r = await testConnection({ kind: 'mqtt', url: 'mqtt://127.0.0.1:1883', target: 'plant/#/x' }, {});
      expect(r.ok).toBe(false);
      expect(r).toEqual({
        ok: false,
        message:
          'Connected to mqtt://127.0.0.1:1883, but "plant/#/x" is not a valid topic filter (# only as the last level, + only as a whole level)',
      });
    });

    it('with a password: the right login passes, a wrong one is named', async () => {
      // (mosquitto grants every filter and applies its ACL at delivery, so a refused
      // subscription cannot be shown here; brokers that refuse one answer with a reason code.)
      const broker = await PrivateMosquitto.start({ login: { user: 'sensor', password: 'right-pw' } });
      try {
        const url = (auth: string) => `mqtt://${auth}@127.0.0.1:${broker.port}`;
        await expect(
          testConnection({ kind: 'mqtt', url: url('sensor:right-pw'), target: 'plant/#' }, {}),
        ).resolves.toEqual({ ok: true });
        await expect(testConnection({ kind: 'mqtt', url: url('sensor:wrong-pw') }, {})).resolves.toEqual({
          ok: false,
          message: `Cannot connect to mqtt://127.0.0.1:${broker.port}: refused the login (check the user and password in the URL)`,
        });
      } finally {
        await broker.dispose();
      }
    });

    it('with a keychain password (desktop): the secret as typed logs in, percent-encoded in the URL; none here says so', async () => {
      const password = 'p@ss:w/rd 1';
      const broker = await PrivateMosquitto.start({ login: { user: 'sensor', password } });
      try {
        const url = `mqtt://sensor:\${keychain:MQTT_PW}@127.0.0.1:${broker.port}`;
        await expect(testConnection({ kind: 'mqtt', url }, {}, undefined, { MQTT_PW: password })).resolves.toEqual({
          ok: true,
        });
        const wrong = await testConnection({ kind: 'mqtt', url }, {}, undefined, { MQTT_PW: 'wrong-pw' });
        expect(wrong).toEqual({
          ok: false,
          message: `Cannot connect to mqtt://127.0.0.1:${broker.port}: refused the login (check the user and password in the URL)`,
        });
        await expect(testConnection({ kind: 'mqtt', url }, {})).resolves.toEqual({
          ok: false,
          message: 'url: ${keychain:MQTT_PW}: keychain secrets are available in the desktop app; use ${env:NAME} here.',
        });
      } finally {
        await broker.dispose();
      }
    });

    it('names a port where nothing listens', async () => {
      const port = await freePort();
      const r = await testConnection({ kind: 'mqtt', url: `mqtt://u:secret-pw@127.0.0.1:${port}` }, {});
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.message).toMatch(new RegExp(`^Cannot connect to mqtt://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
      expect(r.message).not.toContain('secret-pw');
    });
  });
});
