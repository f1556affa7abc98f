import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { KEYCHAIN_NAME, MAX_KEYCHAIN_NAME, MAX_SECRET_LENGTH } from '../engine/contract/keychain.js';
import { UserError } from '../engine/contract/operator.js';

/**
 * What encrypts the secrets at rest. In the app: Electron's `safeStorage`, whose key the OS
 * keychain holds (macOS Keychain, Windows DPAPI, libsecret or KWallet on Linux); in tests a
 * real cipher with a key of the test's own (AES-GCM), so the file is never plain text.
 */
export interface SecretCipher {
  /** Whether the OS protects the key now (false on Linux without a keyring). */
  isAvailable(): Promise<boolean>;
  encrypt(plainText: string): Promise<Uint8Array>;
  /** The plain text; `stale` when the key was rotated, so it should be encrypted again. */
  decrypt(cipherText: Uint8Array): Promise<{ text: string; stale?: boolean }>;
}

/** The file's name in the app's data folder (userData). */
export const SECRETS_FILE = 'keychain-secrets.json';

const FORMAT = 'sluice/keychain';
const VERSION = 1;

interface SecretsFile {
  format: typeof FORMAT;
  version: typeof VERSION;
  /** Name → base64 of the cipher text. */
  secrets: Record<string, string>;
}

/** What `values()` found: the secrets that decrypted, and the names of those that did not. */
export interface OpenedSecrets {
  values: Record<string, string>;
  /** Names whose cipher text the OS key no longer opens (another user, a reset keychain). */
  unreadable: string[];
}

/**
 * The desktop app's `${keychain:NAME}` secrets: one JSON file of names → base64 cipher text in
 * the app's data folder, readable by the user only (0600), replaced atomically on every change
 * (written beside it, flushed, renamed), so a crash leaves the old file or the new one, never
 * half of one. Names are listed freely (the renderer shows them); values are decrypted only
 * for the engine process (`values`), never for the renderer.
 *
 * A damaged file is refused, not overwritten: it may hold secrets the user can still recover.
 * Changes are queued one after another, since each is read, encrypt (asynchronous), write.
 */
export class SecretStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly cipher: SecretCipher,
  ) {}

  /** Whether secrets can be kept here: the OS keychain protects the key. */
  available(): Promise<boolean> {
    return this.cipher.isAvailable().catch(() => false);
  }

  /** The names kept, sorted. */
  names(): string[] {
    return Object.keys(this.read().secrets).sort();
  }

  /** Keep `value` under `name`, replacing a secret of that name. */
  async save(name: string, value: string): Promise<void> {
    checkName(name);
    if (typeof value !== 'string' || value === '') throw new UserError('A keychain secret cannot be empty.');
    if (value.length > MAX_SECRET_LENGTH) {
      throw new UserError(`A keychain secret is at most ${MAX_SECRET_LENGTH} characters.`);
    }
    return this.serial(async () => {
      if (!(await this.available())) throw new UserError(NO_KEYCHAIN);
      const sealed = await this.cipher.encrypt(value);
      const data = this.read();
      data.secrets[name] = Buffer.from(sealed).toString('base64');
      this.write(data);
    });
  }

  /** Forget `name`; false if there was no such secret. */
  async delete(name: string): Promise<boolean> {
    checkName(name);
    return this.serial(async () => {
      const data = this.read();
      if (!Object.hasOwn(data.secrets, name)) return false;
      delete data.secrets[name];
      this.write(data);
      return true;
    });
  }

  /**
   * Every secret decrypted, for the engine process. One that no longer decrypts is left out and
   * named in `unreadable` (its `${keychain:…}` then says it is not in the keychain); one whose
   * key was rotated is written again under the new key.
   */
  values(): Promise<OpenedSecrets> {
    return this.serial(async () => {
      const data = this.read();
      const out: OpenedSecrets = { values: dict(), unreadable: [] };
      if (Object.keys(data.secrets).length === 0) return out;
      if (!(await this.available())) return { values: {}, unreadable: Object.keys(data.secrets).sort() };
      let rewrite = false;
      for (const [name, b64] of Object.entries(data.secrets)) {
        try {
          const { text, stale } = await this.cipher.decrypt(Buffer.from(b64, 'base64'));
          out.values[name] = text;
          if (stale) {
            data.secrets[name] = Buffer.from(await this.cipher.encrypt(text)).toString('base64');
            rewrite = true;
          }
        } catch {
          out.unreadable.push(name);
        }
      }
      if (rewrite) this.write(data);
      return out;
    });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private read(): SecretsFile {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        return { format: FORMAT, version: VERSION, secrets: dict() };
      throw new UserError(`Cannot read the keychain file ${this.file}: ${(err as Error).message}.`);
    }
    const data = parse(text);
    if (!data) {
      throw new UserError(
        `The keychain file ${this.file} is damaged, so Sluice leaves it as it is; move it away to start with no secrets.`,
      );
    }
    return data;
  }

  /** Write beside the file, flush, rename over it, then flush the folder: all or nothing. */
  private write(data: SecretsFile): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    rmSync(tmp, { force: true });
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, JSON.stringify(data, null, 2) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // The umask may only take bits away; 0600 exactly, whatever it is.
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
    syncFolder(dirname(this.file));
  }
}

const NO_KEYCHAIN =
  'This computer has no keychain Sluice can use (on Linux: a running keyring such as GNOME Keyring or KWallet), so the secret was not saved; use ${env:NAME} instead.';

/** A record without a prototype: a secret called `__proto__` is a name like any other. */
function dict(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

function checkName(name: string): void {
  if (typeof name !== 'string' || name.length > MAX_KEYCHAIN_NAME || !KEYCHAIN_NAME.test(name)) {
    throw new UserError(
      `“${String(name).slice(0, 40)}” is not a keychain name: use letters, digits and “_”, not starting with a digit.`,
    );
  }
}

function parse(text: string): SecretsFile | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Partial<SecretsFile>;
  if (d.format !== FORMAT || d.version !== VERSION) return null;
  const s = d.secrets;
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return null;
  const secrets = dict();
  for (const [name, v] of Object.entries(s)) {
    if (!KEYCHAIN_NAME.test(name) || typeof v !== 'string') return null;
    secrets[name] = v;
  }
  return { format: FORMAT, version: VERSION, secrets };
}

function syncFolder(folder: string): void {
  // A rename is durable once its folder is flushed; Windows cannot open a folder for that.
  if (process.platform === 'win32') return;
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Best effort: the file itself was flushed.
  }
}
