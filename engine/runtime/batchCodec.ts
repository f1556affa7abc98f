import { EncodedEvent, valueJson, type SluiceEvent } from '../contract/index.js';

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
  /**
   * ids U+0001 keys U+0001 values, or JSON([ids, keys]) U+0001 values when `j`. Values are each
   * one's JSON text joined by U+0000 (JSON text never holds a raw control character: strings
   * escape them), so the receiver can hand each on undecoded (`EncodedEvent`).
   */
  s: string;
  j?: true;
  /** Every event of the batch passed this contract (the receiver's) where it was sent. */
  c?: string;
}

const SEP = '\u0000';
const PART = '\u0001';
const NULL_KEY = '\u0002';

export function encodeBatch(events: readonly SluiceEvent[]): EncodedBatch {
  const n = events.length;
  const t = new Float64Array(n * 2);
  let ids = '';
  let keys = '';
  let values = '';
  let unsafe = false;
  for (let i = 0; i < n; i++) {
    const e = events[i] as SluiceEvent;
    t[i] = e.time;
    t[n + i] = e.emittedAt;
    const k = e.key === null ? NULL_KEY : e.key;
    // One pass: an id or key holding a separator (rare) sends ids and keys as JSON instead.
    if (!unsafe && (hasSeparator(e.id) || (e.key !== null && (hasSeparator(e.key) || e.key === NULL_KEY))))
      unsafe = true;
    if (i > 0) {
      ids += SEP;
      keys += SEP;
      values += SEP;
    }
    ids += e.id;
    keys += k;
    // An event still encoded (it crossed a thread and nobody read it) is sent as it came.
    values += valueJson(e);
  }
  if (unsafe) {
    return { t, s: JSON.stringify([events.map((e) => e.id), events.map((e) => e.key)]) + PART + values, j: true };
  }
  return { t, s: ids + PART + keys + PART + values };
}

const hasSeparator = (s: string): boolean => s.indexOf(SEP) >= 0 || s.indexOf(PART) >= 0;

/** The events of a batch; their values stay encoded until read (`EncodedEvent`). */
export function decodeBatch(b: EncodedBatch): SluiceEvent[] {
  const t = b.t;
  const n = t.length / 2;
  let ids: string[];
  let keys: (string | null)[];
  let values: string[];
  if (b.j) {
    // JSON text escapes U+0001, so the first one ends the ids and keys.
    const p = b.s.indexOf(PART);
    [ids, keys] = JSON.parse(b.s.slice(0, p)) as [string[], (string | null)[]];
    values = b.s.slice(p + 1).split(SEP);
  } else {
    const p1 = b.s.indexOf(PART);
    const p2 = b.s.indexOf(PART, p1 + 1);
    ids = b.s.slice(0, p1).split(SEP);
    keys = b.s.slice(p1 + 1, p2).split(SEP);
    values = b.s.slice(p2 + 1).split(SEP);
  }
  const out = new Array<SluiceEvent>(n);
  // JSON mode carries null keys as null; separator mode as NULL_KEY.
  const nullKey = b.j ? null : NULL_KEY;
  for (let i = 0; i < n; i++) {
    const k = keys[i] as string | null;
    out[i] = new EncodedEvent(
      ids[i] as string,
      k === nullKey ? null : k,
      t[i] as number,
      values[i] as string,
      t[n + i] as number,
    );
  }
  if (b.c !== undefined) for (let i = 0; i < n; i++) (out[i] as EncodedEvent).checkedAgainst = b.c;
  return out;
}

/** Bytes a batch occupies on the wire (for bytes/s): the typed array plus UTF-16 string length. */
export function encodedSize(b: EncodedBatch): number {
  return b.t.byteLength + b.s.length;
}
