import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SECRETS_FILE, SecretStore, type SecretCipher } from '../../../main/SecretStore.js';

/**
 * A real cipher standing in for safeStorage: AES-256-GCM with a key of the test's own (the OS
 * keychain holds safeStorage's). `available` and a key rotation can be switched by the test.
 */
class AesGcmCipher implements SecretCipher {
  available = true;
  key = randomBytes(32);
  /** Keys that decrypt but are old: `stale` is reported (safeStorage's shouldReEncrypt). */
  oldKeys: Buffer[] = [];
  encrypts = 0;
  async isAvailable() {
    return this.available;
  }
  async encrypt(plainText: string) {
    this.encrypts++;
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plainText, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  }
  async decrypt(cipherText: Uint8Array) {
    const buf = Buffer.from(cipherText);
    for (const key of [this.key, ...this.oldKeys]) {
      try {
        const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
        d.setAuthTag(buf.subarray(12, 28));
        const text = Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
        return { text, stale: key !== this.key };
      } catch {
        // try the next key
      }
    }
    throw new Error('cannot decrypt');
  }
}

let dir: string;
let file: string;
let cipher: AesGcmCipher;
let store: SecretStore;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-secrets-'));
  file = path.join(dir, SECRETS_FILE);
  cipher = new AesGcmCipher();
  store = new SecretStore(file, cipher);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SecretStore', () => {
  it('keeps secrets encrypted in one file of names → base64, readable by the user only', async () => {
    await store.save('PG_PASSWORD', 'p@ss w0rd');
    await store.save('NATS_TOKEN', 'tok-123456');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('p@ss w0rd');
    expect(text).not.toContain('tok-123456');
    const data = JSON.parse(text) as { format: string; version: number; secrets: Record<string, string> };
    expect(data.format).toBe('sluice/keychain');
    expect(Object.keys(data.secrets).sort()).toEqual(['NATS_TOKEN', 'PG_PASSWORD']);
    for (const b64 of Object.values(data.secrets)) expect(Buffer.from(b64, 'base64').length).toBeGreaterThan(28);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    // Written beside and renamed: no temporary file is left behind.
    expect(readdirSync(dir)).toEqual([SECRETS_FILE]);
  });

  it('lists names only, and gives values decrypted for the engine', async () => {
    expect(store.names()).toEqual([]);
    await store.save('B_SECRET', 'bbbb');
    await store.save('A_SECRET', 'aaaa');
    expect(store.names()).toEqual(['A_SECRET', 'B_SECRET']);
    expect(await store.values()).toEqual({ values: { A_SECRET: 'aaaa', B_SECRET: 'bbbb' }, unreadable: [] });
    // A second store on the same file (the app restarted) reads the same.
    expect((await new SecretStore(file, cipher).values()).values).toEqual({ A_SECRET: 'aaaa', B_SECRET: 'bbbb' });
  });

  it('replaces a secret of the same name, and deletes one (false if there was none)', async () => {
    await store.save('PW', 'first');
    await store.save('PW', 'second');
    expect((await store.values()).values).toEqual({ PW: 'second' });
    expect(await store.delete('PW')).toBe(true);
    expect(await store.delete('PW')).toBe(false);
    expect(store.names()).toEqual([]);
  });

  it('saves concurrent changes one after another, losing none', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.save(`S${i}`, `value-${i}`)));
    expect(store.names()).toHaveLength(20);
    expect((await store.values()).values.S7).toBe('value-7');
  });

  it('refuses to save without a keychain, a bad name and an empty value, each in one sentence', async () => {
    cipher.available = false;
    await expect(store.save('PW', 'x')).rejects.toThrow(/^This computer has no keychain Sluice can use/);
    expect(await store.available()).toBe(false);
    cipher.available = true;
    await expect(store.save('1BAD', 'x')).rejects.toThrow('“1BAD” is not a keychain name');
    await expect(store.save('a-b', 'x')).rejects.toThrow('is not a keychain name');
    await expect(store.save('PW', '')).rejects.toThrow('A keychain secret cannot be empty.');
    expect(cipher.encrypts).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('treats a name like __proto__ as any other name', async () => {
    await store.save('__proto__', 'not-a-prototype');
    expect(store.names()).toEqual(['__proto__']);
    expect(Object.hasOwn((await store.values()).values, '__proto__')).toBe(true);
  });

  it('refuses a damaged file rather than overwriting it, and says how to start over', async () => {
    writeFileSync(file, '{"format":"sluice/keychain","version":1,"secrets":{"PW":');
    expect(() => store.names()).toThrow(/keychain file .* is damaged, so Sluice leaves it as it is/);
    await expect(store.save('OTHER', 'x')).rejects.toThrow(/is damaged/);
    expect(readFileSync(file, 'utf8')).toBe('{"format":"sluice/keychain","version":1,"secrets":{"PW":');
  });

  it('leaves out a secret the key no longer opens, naming it; re-encrypts one under a rotated key', async () => {
    await store.save('OLD', 'kept-after-rotation');
    await store.save('LOST', 'lost-forever');
    // The key rotates: OLD decrypts with the old key (stale) …
    cipher.oldKeys = [cipher.key];
    cipher.key = randomBytes(32);
    // … and LOST was written by another key altogether.
    const data = JSON.parse(readFileSync(file, 'utf8')) as { secrets: Record<string, string> };
    data.secrets.LOST = Buffer.from(randomBytes(40)).toString('base64');
    writeFileSync(file, JSON.stringify(data));
    expect(await store.values()).toEqual({ values: { OLD: 'kept-after-rotation' }, unreadable: ['LOST'] });
    cipher.oldKeys = [];
    expect((await store.values()).values).toEqual({ OLD: 'kept-after-rotation' });
  });

  it('gives no values while the keychain is unavailable, naming what it holds', async () => {
    await store.save('PW', 'secret');
    cipher.available = false;
    expect(await store.values()).toEqual({ values: {}, unreadable: ['PW'] });
  });
});
