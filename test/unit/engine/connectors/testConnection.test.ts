import { describe, expect, it } from 'vitest';
import { testConnection } from '../../../../engine/connectors/testConnection.js';
import { freePort } from './brokerTestKit.js';

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
    await expect(testConnection({ kind: 'mqtt', url: 'mqtt://127.0.0.1:1883' }, {})).resolves.toEqual({
      ok: false,
      message: 'This build cannot test mqtt connections.',
    });
  });
});
