import type { SecretCipher } from './SecretStore.js';

/** The part of Electron's `safeStorage` the secret store uses (passed in: testable without Electron). */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  /** Linux only: which password store holds the key. */
  getSelectedStorageBackend?(): string;
}

/**
 * `safeStorage` as the secret store's cipher. The asynchronous calls, since Electron 45
 * deprecates `encryptString`/`decryptString`/`isEncryptionAvailable` for them (data the old
 * calls wrote decrypts with the new). On Linux with no keyring running, safeStorage falls back
 * to `basic_text`, a key written in Chromium's source: that protects nothing, so the keychain
 * counts as unavailable there and the editor says to use `${env:NAME}`.
 */
export function safeStorageCipher(storage: SafeStorageLike, platform: NodeJS.Platform): SecretCipher {
  return {
    async isAvailable() {
      if (!(await storage.isAsyncEncryptionAvailable())) return false;
      return !(platform === 'linux' && storage.getSelectedStorageBackend?.() === 'basic_text');
    },
    encrypt: (plainText) => storage.encryptStringAsync(plainText),
    async decrypt(cipherText) {
      const { result, shouldReEncrypt } = await storage.decryptStringAsync(Buffer.from(cipherText));
      return { text: result, stale: shouldReEncrypt };
    },
  };
}
