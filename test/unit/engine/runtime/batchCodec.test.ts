import { describe, expect, it } from 'vitest';
import type { SluiceEvent } from '../../../../engine/contract/index.js';
import { EncodedEvent, envelopeJson, envelopeOf, plainEvent, valueJson } from '../../../../engine/contract/index.js';
import { decodeBatch, encodeBatch, splitJsonArray } from '../../../../engine/runtime/batchCodec.js';

const ev = (id: string, key: string | null, value: unknown): SluiceEvent => ({
  id,
  key,
  time: 1.5,
  value,
  emittedAt: 2.25,
});

const plain = (events: SluiceEvent[]): SluiceEvent[] => events.map(plainEvent);

describe('batchCodec', () => {
  it('round-trips ids, keys (null included), times, emission stamps and JSON values', () => {
    const events = [ev('a-0', 'k0', { x: [1, 'two', null] }), ev('a-1', null, 'text'), ev('a-2', '', 3)];
    expect(plain(decodeBatch(encodeBatch(events)))).toEqual(events);
  });

  it('falls back to JSON when an id or key contains the separators, and still round-trips', () => {
    const events = [ev('a\u0000b', 'k\u0001', 1), ev('c', '\u0002', 2)];
    const enc = encodeBatch(events);
    expect(enc.j).toBe(true);
    expect(plain(decodeBatch(enc))).toEqual(events);
  });

  it('keeps values holding the separators apart (JSON escapes them)', () => {
    const events = [ev('a', 'k', 'x\u0000y\u0001z'), ev('b', 'k', { 'p\u0000': ['\u0002'] })];
    expect(plain(decodeBatch(encodeBatch(events)))).toEqual(events);
  });

  it('sends what JSON cannot hold as null, as JSON arrays do', () => {
    const [a] = decodeBatch(encodeBatch([ev('a', null, undefined)]));
    expect(a?.value).toBeNull();
  });

  it('encodes an empty batch', () => {
    expect(decodeBatch(encodeBatch([]))).toEqual([]);
  });

  it('hands values on undecoded: a second hop sends the text that arrived', () => {
    const [a] = decodeBatch(encodeBatch([ev('a', 'k', { n: 1, s: 'é' })]));
    expect(a).toBeInstanceOf(EncodedEvent);
    expect((a as EncodedEvent).json).toBe('{"n":1,"s":"é"}');
    expect(valueJson(a as SluiceEvent)).toBe('{"n":1,"s":"é"}');
    const [b] = decodeBatch(encodeBatch([a as SluiceEvent]));
    expect((b as EncodedEvent).json).toBe('{"n":1,"s":"é"}');
    // sink.file's and sink.console's envelope: the same text as stringifying the decoded one.
    expect(envelopeJson(b as SluiceEvent)).toBe(JSON.stringify(envelopeOf(plainEvent(b as SluiceEvent))));
    expect(JSON.stringify(b)).toBe('{"id":"a","key":"k","time":1.5,"value":{"n":1,"s":"é"},"emittedAt":2.25}');
  });

  it('trusts the text no longer once the value was read (it may be changed in place) or set', () => {
    const [a, b] = decodeBatch(encodeBatch([ev('a', 'k', { n: 1 }), ev('b', 'k', 2)])) as EncodedEvent[];
    (a!.value as { n: number }).n = 5;
    expect(a!.json).toBeUndefined();
    expect(valueJson(a!)).toBe('{"n":5}');
    b!.value = 3;
    expect(valueJson(b!)).toBe('3');
    const [c] = decodeBatch(encodeBatch([a!]));
    expect(c!.value).toEqual({ n: 5 });
  });

  it('sends plain values as one JSON array and hands each on as its own text', () => {
    const tricky = [
      { s: 'a,b]}', t: '\\', u: '\\"', v: '"[{,' },
      [1, [2, [3, { x: ',' }]], '\\\\'],
      'x"y\\',
      -1.5e-7,
      null,
      true,
      {},
      [],
      '',
    ];
    const events = tricky.map((v, i) => ev(`a-${i}`, 'k', v));
    const enc = encodeBatch(events);
    expect(enc.a).toBe(true);
    const out = decodeBatch(enc) as EncodedEvent[];
    expect(out.map((e) => e.json)).toEqual(tricky.map((v) => JSON.stringify(v)));
    expect(plain(out)).toEqual(events);
  });

  it('sends values one by one when an event is still encoded, keeping its text', () => {
    const [a] = decodeBatch(encodeBatch([ev('a', 'k', { n: 1 })]));
    const enc = encodeBatch([a!, ev('b', 'k', [2])]);
    expect(enc.a).toBeUndefined();
    expect((decodeBatch(enc) as EncodedEvent[]).map((e) => e.json)).toEqual(['{"n":1}', '[2]']);
  });

  it('splits the array of one element and of none', () => {
    expect(splitJsonArray('["a,b"]', 1)).toEqual(['"a,b"']);
    expect(splitJsonArray('[]', 0)).toEqual([]);
  });
});
