import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../../../engine/connectors/redactUrl.js';

describe('redactUrl', () => {
  it('drops user and password from a URL', () => {
    expect(redactUrl('nats://alice:s3cret@127.0.0.1:4222')).toBe('nats://127.0.0.1:4222');
    expect(redactUrl('postgres://bob:pw@db:5432/app')).toBe('postgres://db:5432/app');
    expect(redactUrl('redis://:pw@127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
  it('keeps a URL without credentials as it is', () => {
    expect(redactUrl('nats://127.0.0.1:4222')).toBe('nats://127.0.0.1:4222');
  });
  it('drops what comes before an @ in text that is not a URL', () => {
    expect(redactUrl('alice:pw@host:1')).toBe('host:1');
  });
});
