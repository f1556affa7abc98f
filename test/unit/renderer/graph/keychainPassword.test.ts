import { describe, expect, it } from 'vitest';
import { plainPasswordWarning } from '../../../../renderer/graph/connectionEdits.js';
import {
  keychainNameOfUrl,
  keychainUnavailableReason,
  plainPasswordOfUrl,
  suggestKeychainName,
  withKeychainPassword,
} from '../../../../renderer/graph/keychainPassword.js';
import { FakeKeychain } from '../TestEditor.js';

describe('keychain passwords in connection URLs', () => {
  it('suggests a name from the graph and the connection, valid as ${keychain:NAME}', () => {
    expect(suggestKeychainName('NATS orders', 'local')).toBe('NATS_ORDERS_LOCAL_PASSWORD');
    expect(suggestKeychainName('2024 — Über-graph!', 'db.main')).toBe('_2024_BER_GRAPH_DB_MAIN_PASSWORD');
    expect(suggestKeychainName('', 'conn1')).toBe('CONN1_PASSWORD');
    expect(suggestKeychainName('x'.repeat(200), 'c')).toHaveLength(128);
  });

  it('puts ${keychain:NAME} in place of the password, keeping the user, host and references', () => {
    expect(withKeychainPassword('nats://app:s3cret@127.0.0.1:4222', 'PW')).toEqual({
      url: 'nats://app:${keychain:PW}@127.0.0.1:4222',
    });
    expect(withKeychainPassword('postgres://${env:PGUSER:-app}@h:5432/db', 'PW')).toEqual({
      url: 'postgres://${env:PGUSER:-app}:${keychain:PW}@h:5432/db',
    });
    expect(withKeychainPassword('amqp://app:${keychain:OLD}@h', 'NEW')).toEqual({
      url: 'amqp://app:${keychain:NEW}@h',
    });
    // Redis logs in with a password alone.
    expect(withKeychainPassword('redis://127.0.0.1:6379', 'PW')).toEqual({
      url: 'redis://:${keychain:PW}@127.0.0.1:6379',
    });
    expect(withKeychainPassword('nats://127.0.0.1:4222', 'PW')).toEqual({
      problem: 'Write the user name in the URL first (scheme://user@host), then save its password.',
    });
    expect(withKeychainPassword('local', 'PW')).toMatchObject({ problem: expect.stringContaining('scheme') });
  });

  it('reads which keychain name a URL uses, and a password written in plain text', () => {
    expect(keychainNameOfUrl('nats://app:${keychain:NATS_PW}@h:4222')).toBe('NATS_PW');
    expect(keychainNameOfUrl('nats://app:${env:PW}@h:4222')).toBeNull();
    expect(plainPasswordOfUrl('nats://app:p%40ss@h')).toBe('p@ss');
    expect(plainPasswordOfUrl('nats://app:${keychain:PW}@h')).toBeNull();
    expect(plainPasswordOfUrl('postgres://${env:PGUSER:-app}@h')).toBeNull();
    expect(plainPasswordOfUrl('nats://h:4222')).toBeNull();
  });

  it('does not warn of a plain password once the URL refers to the keychain', () => {
    expect(plainPasswordWarning('nats://app:s3cret@h')).toContain('Save in keychain');
    expect(plainPasswordWarning('nats://app:${keychain:PW}@h')).toBeNull();
  });

  it('says why the choice is off: no keychain in the web host, none on this computer', () => {
    const reason = keychainUnavailableReason(null, null);
    expect(reason).toBe('Keychain secrets are available in the desktop app; here, write ${env:NAME} in the URL.');
    const desktop = new FakeKeychain().api;
    expect(keychainUnavailableReason(desktop, false)).toMatch(/^This computer has no keychain Sluice can use/);
    expect(keychainUnavailableReason(desktop, true)).toBeNull();
    expect(keychainUnavailableReason(desktop, null)).toBeNull();
  });
});
