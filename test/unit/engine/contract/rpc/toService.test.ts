import { describe, expect, it } from 'vitest';
import { boolean, oneOf, optional, string } from '../../../../../engine/contract/rpc/check.js';
import { method, voidMethod } from '../../../../../engine/contract/rpc/method.js';
import { serviceClient, toService } from '../../../../../engine/contract/rpc/toService.js';

const SCHEMA = {
  greet: method<(name: string, shout?: boolean) => Promise<string>>(['name', string(50)], ['shout', optional(boolean)]),
  pick: method<(label?: string, mode?: 'a' | 'b') => Promise<string | null>>(
    ['label', optional(string(50))],
    ['mode', optional(oneOf(['a', 'b']), 'a')],
  ),
  forget: voidMethod<(name: string) => Promise<void>>(['name', string(50)]),
};

/** A channel that records what travels and answers from a table. */
function recorder(answers: Record<string, unknown> = {}) {
  const calls: Array<[string, unknown[]]> = [];
  return {
    calls,
    channel: {
      async call(m: string, args: unknown[]) {
        calls.push([m, args]);
        if (m === 'greet' && args[0] === 'nobody') throw new Error('There is nobody to greet.');
        return answers[m] ?? null;
      },
    },
  };
}

describe('toService', () => {
  it('has one method per schema entry, each sending its name and positional arguments', async () => {
    const r = recorder({ greet: 'hi' });
    const service = toService(SCHEMA, r.channel);
    expect(Object.keys(service).sort()).toEqual(['forget', 'greet', 'pick']);
    await expect(service.greet('Ada', true)).resolves.toBe('hi');
    await service.greet('Ada');
    expect(r.calls).toEqual([
      ['greet', ['Ada', true]],
      ['greet', ['Ada']],
    ]);
  });

  it('sends the defaults of omitted arguments, so the wire says what the receiver will do', async () => {
    const r = recorder();
    const service = toService(SCHEMA, r.channel);
    await service.pick('x');
    await service.pick();
    await service.pick(undefined, 'b');
    expect(r.calls).toEqual([
      ['pick', ['x', 'a']],
      ['pick', [undefined, 'a']],
      ['pick', [undefined, 'b']],
    ]);
  });

  it('resolves a void method with undefined, whatever the transport carried', async () => {
    const service = toService(SCHEMA, recorder({ forget: 'junk' }).channel);
    await expect(service.forget('x')).resolves.toBeUndefined();
  });

  it("rejects with the channel's error", async () => {
    const service = toService(SCHEMA, recorder().channel);
    await expect(service.greet('nobody')).rejects.toThrow('There is nobody to greet.');
  });
});

describe('serviceClient', () => {
  class Client extends serviceClient(SCHEMA) {
    readonly sent: Array<[string, unknown[]]> = [];
    protected send(m: string, args: unknown[]): Promise<unknown> {
      this.sent.push([m, args]);
      return Promise.resolve(m === 'greet' ? `hello ${String(args[0])}` : 'ignored');
    }
  }

  it('gives a subclass the schema methods, each calling its own send', async () => {
    const a = new Client();
    const b = new Client();
    await expect(a.greet('Ada')).resolves.toBe('hello Ada');
    await expect(b.forget('x')).resolves.toBeUndefined();
    expect(a.sent).toEqual([['greet', ['Ada']]]);
    expect(b.sent).toEqual([['forget', ['x']]]);
  });

  it('keeps the methods on the prototype, shared by every instance', () => {
    expect(Object.keys(new Client())).toEqual(['sent']);
    expect(new Client().greet).toBe(new Client().greet);
  });
});
