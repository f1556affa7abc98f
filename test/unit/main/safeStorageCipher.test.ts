import { describe, expect, it } from 'vitest';
import { safeStorageCipher, type SafeStorageLike } from '../../../main/safeStorageCipher.js';

function fakeSafeStorage(backend: string, available = true): SafeStorageLike {
  return {
    isAsyncEncryptionAvailable: async () => available,
    // Reversible but not the identity, so a test cannot pass by returning its input.
    encryptStringAsync: async (text) => Buffer.from(`v10${[...text].reverse().join('')}`),
    decryptStringAsync: async (b) => ({ result: [...b.toString().slice(3)].reverse().join(''), shouldReEncrypt: true }),
    getSelectedStorageBackend: () => backend,
  };
}

describe('safeStorageCipher', () => {
  it('counts Linux without a keyring (basic_text, a key in Chromium’s source) as no keychain', async () => {
    expect(await safeStorageCipher(fakeSafeStorage('basic_text'), 'linux').isAvailable()).toBe(false);
    expect(await safeStorageCipher(fakeSafeStorage('gnome_libsecret'), 'linux').isAvailable()).toBe(true);
    expect(await safeStorageCipher(fakeSafeStorage('kwallet6'), 'linux').isAvailable()).toBe(true);
    expect(await safeStorageCipher(fakeSafeStorage('unknown'), 'darwin').isAvailable()).toBe(true);
    expect(await safeStorageCipher(fakeSafeStorage('gnome_libsecret', false), 'linux').isAvailable()).toBe(false);
  });

  it('encrypts and decrypts through safeStorage, passing on that the key was rotated', async () => {
    const cipher = safeStorageCipher(fakeSafeStorage('gnome_libsecret'), 'linux');
    const sealed = await cipher.encrypt('pw');
    expect(Buffer.from(sealed).toString()).toBe('v10wp');
    expect(await cipher.decrypt(sealed)).toEqual({ text: 'pw', stale: true });
  });
});
