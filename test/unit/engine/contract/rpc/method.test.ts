import { describe, expect, it } from 'vitest';
import { ENGINE_API } from '../../../../../engine/contract/EngineApi.js';
import { optional, string } from '../../../../../engine/contract/rpc/check.js';
import { method, voidMethod } from '../../../../../engine/contract/rpc/method.js';

// Compile time (`npm run typecheck`): the builders hold each check to the signature it describes.
function heldToTheirSignatures(): void {
  // @ts-expect-error an optional parameter needs a check that accepts undefined
  method<(dir?: string) => Promise<string>>(['dir', string(5)]);
  // @ts-expect-error one [name, check] per parameter
  method<(a: string, b: string) => Promise<string>>(['a', string(5)]);
  // @ts-expect-error a method that answers nothing is a voidMethod
  method<(a: string) => Promise<void>>(['a', string(5)]);
  // @ts-expect-error a check of another type
  voidMethod<(on: boolean) => Promise<void>>(['on', string(5)]);
}
void heldToTheirSignatures;

describe('method and voidMethod', () => {
  it('count the leading arguments that must be present', () => {
    expect(ENGINE_API.tapEdge.required).toBe(3);
    expect(ENGINE_API.listFiles.required).toBe(0);
    expect(ENGINE_API.listExamples.args).toEqual([]);
    const m = method<(a: string, b?: string) => Promise<string>>(['a', string(5)], ['b', optional(string(5))]);
    expect(m.required).toBe(1);
    expect(m.args.map((a) => a.name)).toEqual(['a', 'b']);
  });

  it('mark which methods answer nothing', () => {
    expect(ENGINE_API.stopRun.voidResult).toBe(true);
    expect(ENGINE_API.startRun.voidResult).toBe(false);
  });

  it('refuse a required argument after an optional one, which no call could leave out', () => {
    expect(() =>
      voidMethod<(a: string | undefined, b: string) => Promise<void>>(['a', optional(string(5))], ['b', string(5)]),
    ).toThrow('Argument "b" follows an optional one, so it must be optional too.');
  });
});
