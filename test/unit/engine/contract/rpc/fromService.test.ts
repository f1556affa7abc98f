import { describe, expect, it } from 'vitest';
import { UserError } from '../../../../../engine/contract/operator.js';
import { path, string } from '../../../../../engine/contract/rpc/check.js';
import { pathsOfCall } from '../../../../../engine/contract/rpc/checkCall.js';
import { fromService } from '../../../../../engine/contract/rpc/fromService.js';
import { method, voidMethod } from '../../../../../engine/contract/rpc/method.js';

const SCHEMA = {
  read: method<(file: string) => Promise<string>>(['file', path]),
  note: voidMethod<(text: string) => Promise<void>>(['text', string(10)]),
};

/** A service with state, an extra method the schema does not list, and a prototype. */
class Notes {
  readonly notes: string[] = [];
  async read(file: string): Promise<string> {
    return `contents of ${file} (${this.notes.length} notes)`;
  }
  async note(text: string): Promise<void> {
    this.notes.push(text);
  }
  async wipe(): Promise<void> {
    this.notes.length = 0;
  }
}

describe('fromService', () => {
  it("calls the service's own method with the checked arguments, on the service itself", async () => {
    const notes = new Notes();
    const channel = fromService(SCHEMA, notes);
    await channel.call('note', ['hello', null]);
    await expect(channel.call('read', ['/a.txt'])).resolves.toBe('contents of /a.txt (1 notes)');
    expect(notes.notes).toEqual(['hello']);
  });

  it('refuses what the schema does not list, even when the service has it', async () => {
    const notes = new Notes();
    notes.notes.push('keep');
    const channel = fromService(SCHEMA, notes);
    for (const m of ['wipe', 'constructor', '__proto__', 'toString']) {
      await expect(channel.call(m, [])).rejects.toThrow(`Unknown method "${m}".`);
    }
    expect(notes.notes).toEqual(['keep']);
  });

  it('refuses bad arguments with a user error naming them, before the service sees them', async () => {
    const notes = new Notes();
    const refused = fromService(SCHEMA, notes).call('note', ['far too long a note']);
    await expect(refused).rejects.toBeInstanceOf(UserError);
    await expect(refused).rejects.toThrow('The "text" argument of note is longer than 10 characters.');
    expect(notes.notes).toEqual([]);
  });

  it('lets a host refuse a well-formed call before the service runs it', async () => {
    const notes = new Notes();
    const channel = fromService(SCHEMA, notes, {
      admit(m, args) {
        for (const p of pathsOfCall(SCHEMA, m, args)) {
          if (!p.startsWith('/open/')) throw new UserError(`${p} is not in a folder you opened.`);
        }
      },
    });
    await expect(channel.call('read', ['/etc/passwd'])).rejects.toThrow('/etc/passwd is not in a folder you opened.');
    await expect(channel.call('read', ['/open/a.txt'])).resolves.toMatch(/contents of \/open\/a.txt/);
  });
});
