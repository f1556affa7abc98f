import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../../engine/connectors/ConnectorError.js';
import { ManagedConnection } from '../../../../engine/connectors/ManagedConnection.js';
import { waitFor } from './brokerTestKit.js';

const fast = { initialMs: 5, maxMs: 20 };

describe('ManagedConnection', () => {
  it('retries transient failures with backoff, then is connected with 0 attempts', async () => {
    let tries = 0;
    const c = new ManagedConnection<string>({
      where: 'X at x://h',
      open: async () => {
        if (++tries < 3) throw new Error('connection refused');
        return 'session';
      },
      shut: () => {},
      changed: () => {},
      startTimeoutMs: 5000,
      backoff: fast,
    });
    c.start();
    await waitFor(() => c.connected, 5000);
    expect(tries).toBe(3);
    expect(c.status(null)).toEqual({ state: 'connected', attempts: 0, lag: null });
    c.lost(new Error('socket closed'));
    expect(c.status(null)).toMatchObject({ state: 'reconnecting', attempts: 1, error: 'X at x://h: socket closed' });
    await waitFor(() => c.connected, 5000);
    c.close();
  });

  it('fails at once on a permanent error, and after startTimeoutMs on transient ones at start', async () => {
    const permanent = new ManagedConnection<string>({
      where: 'X at x://h',
      open: () => Promise.reject(new ConnectorError('login refused', true)),
      shut: () => {},
      changed: () => {},
      startTimeoutMs: 5000,
      backoff: fast,
    });
    permanent.start();
    await waitFor(() => permanent.failed, 5000);
    expect(permanent.failure).toBe('X at x://h: login refused');

    const down = new ManagedConnection<string>({
      where: 'X at x://h',
      open: () => Promise.reject(new Error('connection refused')),
      shut: () => {},
      changed: () => {},
      startTimeoutMs: 100,
      backoff: fast,
    });
    down.start();
    await waitFor(() => down.failed, 5000);
    expect(down.failure).toMatch(
      /^X at x:\/\/h: connection refused; gave up after \d+ attempts in [\d.]+ s; is the server running\?$/,
    );
  });

  it('closes a session that arrives after close', async () => {
    let release: (s: string) => void = () => {};
    const shut: string[] = [];
    const c = new ManagedConnection<string>({
      where: 'X',
      open: () => new Promise<string>((r) => (release = r)),
      shut: (s) => void shut.push(s),
      changed: () => {},
      startTimeoutMs: 5000,
    });
    c.start();
    c.close();
    release('late');
    await waitFor(() => shut.length === 1, 2000);
    expect(c.session).toBeNull();
  });
});
