import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../../engine/connectors/redactSecrets.js';

describe('redactSecrets', () => {
  it('replaces each secret value, and its percent-encoded form, by its ${keychain:NAME}', () => {
    const secrets = { PG_PW: 'p@ss/word', LONG: 'p@ss/word-and-more' };
    expect(
      redactSecrets('login p@ss/word-and-more failed; url postgres://a:p%40ss%2Fword@h; again p@ss/word', secrets),
    ).toBe('login ${keychain:LONG} failed; url postgres://a:${keychain:PG_PW}@h; again ${keychain:PG_PW}');
  });

  it('leaves text without secrets as it is, and ignores values too short to search for', () => {
    expect(redactSecrets('no secrets here', { A: 'abc', B: 'zzzz' })).toBe('no secrets here');
    expect(redactSecrets('abc abc', { A: 'abc' })).toBe('abc abc');
  });
});
