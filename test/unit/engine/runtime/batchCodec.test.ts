import { describe, expect, it } from 'vitest';
import type { SluiceEvent } from '../../../../engine/contract/index.js';
import { EncodedEvent, envelopeJson, envelopeOf, plainEvent, valueJson } from '../../../../engine/contract/index.js';
import {
  decodeBatch,
  encodeBatch,
  splitJsonArray,
  transferables,
  valueTexts,
} from '../../../../engine/runtime/batchCodec.js';

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

  describe('flat records in columns', () => {
    const texts = (events: SluiceEvent[]) => (decodeBatch(encodeBatch(events)) as EncodedEvent[]).map((e) => e.json);

    it("sends an aggregate's rows in columns and writes back JSON.stringify's very text", () => {
      const rows = [
        { key: 'k0', op: 'sum', value: 0, count: 1, done: false },
        { key: 'k"1\\', op: 'sum', value: -0, count: 2, done: true },
        { key: '\u00e9\ud83d\ude00\u2028', op: '', value: 1e21, count: 1.5e-7, done: false },
        { key: 'x\u0001\u0002\ud800', op: 'max', value: NaN, count: Infinity, done: true },
        { key: '', op: 'min', value: -Infinity, count: Number.MAX_SAFE_INTEGER + 2, done: false },
      ];
      const events = rows.map((v, i) => ev(`a-${i}`, 'k', v));
      const enc = encodeBatch(events);
      expect(enc.r?.f).toEqual(['key', 'op', 'value', 'count', 'done']);
      expect(enc.v).toBe('');
      expect(texts(events)).toEqual(rows.map((v) => JSON.stringify(v)));
      expect(valueTexts(enc)).toEqual(rows.map((v) => JSON.stringify(v)));
      expect(decodeBatch(enc).map((e) => e.value)).toEqual(rows.map((v) => JSON.parse(JSON.stringify(v))));
    });

    it('keeps numeric field names and __proto__ in JSON.stringify order', () => {
      const mk = (i: number) => JSON.parse(`{"b":${i},"2":"two","1":true,"__proto__":"p"}`) as Record<string, unknown>;
      const events = [mk(1), mk(2)].map((v, i) => ev(`a-${i}`, 'k', v));
      expect(encodeBatch(events).r).toBeDefined();
      expect(texts(events)).toEqual([mk(1), mk(2)].map((v) => JSON.stringify(v)));
    });

    it('sends the batch as JSON when a value differs in shape or kind, or is not a flat plain object', () => {
      const cases: unknown[][] = [
        [
          { a: 1, b: 's' },
          { b: 's', a: 1 },
        ], // other order
        [{ a: 1, b: 's' }, { a: 1 }], // fewer fields
        [{ a: 1 }, { a: 1, b: 2 }], // more fields
        [{ a: 1 }, { a: '1' }], // other kind
        [{ a: 1 }, { a: null }],
        [{ a: 1 }, { a: undefined }],
        [{ a: { b: 1 } }, { a: { b: 2 } }], // nested
        [{ a: [1] }, { a: [2] }],
        [Object.assign(Object.create(null), { a: 1 }) as unknown, { a: 1 }],
        [new Date(0), new Date(1)],
        [{ a: 'x\u0000y' }, { a: 'z' }], // a string holding the separator
        [{}, {}],
        [1, 2],
        ['a', 'b'],
      ];
      for (const values of cases) {
        const events = values.map((v, i) => ev(`a-${i}`, 'k', v));
        expect(encodeBatch(events).r, JSON.stringify(values)).toBeUndefined();
        expect(texts(events)).toEqual(values.map((v) => JSON.stringify(v) ?? 'null'));
      }
    });

    it('round-trips a record batch of one, and moves its numbers in a transferred buffer', () => {
      const events = [ev('a', null, { n: 3, s: 'x' })];
      const enc = encodeBatch(events);
      expect(transferables(enc)).toEqual([enc.t.buffer, enc.r!.n.buffer]);
      expect(plain(decodeBatch(enc))).toEqual(events);
    });
  });
});
