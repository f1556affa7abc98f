import type { SluiceEvent } from '../contract/index.js';

/**
 * How a batch of events crosses a thread. Measured here (2 M events, batches of 1024, one hop,
 * events built on the sending side — /tmp benchmark kept in test/bench/codec.bench.mjs):
 *   structured clone of event objects        1.35 M ev/s
 *   one JSON string                          1.37 M ev/s
 *   JSON in a transferred Uint8Array         1.34 M ev/s
 *   columns: Float64Array (transferred) for times + one JSON string      2.2 M ev/s
 *   columns: Float64Array + ids/keys joined by separators + JSON values  2.95 M ev/s  ← this
 * Ids and keys are joined with U+0000 (null keys as U+0002); a batch holding those characters
 * falls back to JSON for them.
 */
export interface EncodedBatch {
  /** time[0..n) then emittedAt[n..2n). Transferred, not copied. */
  t: Float64Array;
  /** ids U+0001 keys U+0001 JSON(values), or a JSON array [ids, keys, values] when `j`. */
  s: string;
  j?: true;
}

const SEP = '\u0000';
const PART = '\u0001';
const NULL_KEY = '\u0002';

export function encodeBatch(events: readonly SluiceEvent[]): EncodedBatch {
  const n = events.length;
  const t = new Float64Array(n * 2);
  const values = new Array<unknown>(n);
  let ids = '';
  let keys = '';
  let unsafe = false;
  for (let i = 0; i < n; i++) {
    const e = events[i] as SluiceEvent;
    t[i] = e.time;
    t[n + i] = e.emittedAt;
    values[i] = e.value;
    const k = e.key === null ? NULL_KEY : e.key;
    // One pass: an id or key holding a separator (rare) sends the batch as JSON instead.
    if (!unsafe && (hasSeparator(e.id) || (e.key !== null && (hasSeparator(e.key) || e.key === NULL_KEY))))
      unsafe = true;
    if (i > 0) {
      ids += SEP;
      keys += SEP;
    }
    ids += e.id;
    keys += k;
  }
  if (unsafe) {
    return { t, s: JSON.stringify([events.map((e) => e.id), events.map((e) => e.key), values]), j: true };
  }
  return { t, s: ids + PART + keys + PART + JSON.stringify(values) };
}

const hasSeparator = (s: string): boolean => s.indexOf(SEP) >= 0 || s.indexOf(PART) >= 0;

export function decodeBatch(b: EncodedBatch): SluiceEvent[] {
  const t = b.t;
  const n = t.length / 2;
  let ids: string[];
  let keys: (string | null)[];
  let values: unknown[];
  if (b.j) {
    [ids, keys, values] = JSON.parse(b.s) as [string[], (string | null)[], unknown[]];
  } else {
    const p1 = b.s.indexOf(PART);
    const p2 = b.s.indexOf(PART, p1 + 1);
    ids = b.s.slice(0, p1).split(SEP);
    keys = b.s.slice(p1 + 1, p2).split(SEP);
    values = JSON.parse(b.s.slice(p2 + 1)) as unknown[];
  }
  const out = new Array<SluiceEvent>(n);
  // JSON mode carries null keys as null; separator mode as NULL_KEY.
  const nullKey = b.j ? null : NULL_KEY;
  for (let i = 0; i < n; i++) {
    const k = keys[i] as string | null;
    out[i] = {
      id: ids[i] as string,
      key: k === nullKey ? null : k,
      time: t[i] as number,
      value: values[i],
      emittedAt: t[n + i] as number,
    };
  }
  return out;
}

/** Bytes a batch occupies on the wire (for bytes/s): the typed array plus UTF-16 string length. */
export function encodedSize(b: EncodedBatch): number {
  return b.t.byteLength + b.s.length;
}
