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
  /** ids U+0001 keys, each joined by U+0000 (null keys as U+0002); JSON([ids, keys]) when `j`. */
  s: string;
  j?: true;
  /**
   * The values. Either each one's JSON text joined by U+0000 (JSON text never holds a raw
   * control character: strings escape them), when some event of the batch is still encoded
   * and its text is sent as it came; or, with `a`, one JSON array of them all: when every value
   * is a plain object the sender would have to stringify, one `JSON.stringify` of the array
   * costs half of one per value (measured: 1 M aggregate rows, 317 vs 744 ms), and the receiver,
   * whose thread is the idle one in a chain → sink pipeline, cuts the array into each value's
   * text (`splitJsonArray`). Either way the receiver hands each value on undecoded (`EncodedEvent`).
   */
  v: string;
  a?: true;
  /** Every event of the batch passed this contract (the receiver's) where it was sent. */
  c?: string;
}

const SEP = '\u0000';
const PART = '\u0001';
const NULL_KEY = '\u0002';

/**
 * Reused between batches of one thread (a batch is encoded and sent before the next begins):
 * the ids, keys and values of a batch, joined or stringified whole, so no array is made per
 * batch. `join` makes one flat string; `+=` made a rope of 2n pieces that the message's
 * serialisation then had to flatten (measured, 1,200 batches of 1,024 aggregate rows: 0.29 vs
 * 0.26 µs an event, encoding and posting).
 */
const idScratch: string[] = [];
const keyScratch: string[] = [];
const scratch: unknown[] = [];

export function encodeBatch(events: readonly SluiceEvent[]): EncodedBatch {
  const n = events.length;
  const t = new Float64Array(n * 2);
  let encoded = false;
  let nulls = 0;
  idScratch.length = n;
  keyScratch.length = n;
  for (let i = 0; i < n; i++) {
    const e = events[i] as SluiceEvent;
    t[i] = e.time;
    t[n + i] = e.emittedAt;
    idScratch[i] = e.id;
    if (e.key === null) {
      keyScratch[i] = NULL_KEY;
      nulls++;
    } else keyScratch[i] = e.key;
    if (!encoded && e instanceof EncodedEvent && e.json !== undefined) encoded = true;
  }
  let s: string;
  let unsafe = false;
  try {
    const ids = idScratch.join(SEP);
    const keys = keyScratch.join(SEP);
    // An id or key holding a separator (rare) sends ids and keys as JSON instead: the joined
    // text then holds a PART, more than n - 1 SEPs, or more NULL_KEYs than null keys.
    unsafe =
      n > 0 &&
      (ids.indexOf(PART) >= 0 ||
        keys.indexOf(PART) >= 0 ||
        occurrences(ids, SEP) !== n - 1 ||
        occurrences(keys, SEP) !== n - 1 ||
        occurrences(keys, NULL_KEY) !== nulls);
    s = unsafe ? JSON.stringify([events.map((e) => e.id), events.map((e) => e.key)]) : ids + PART + keys;
  } finally {
    idScratch.length = 0;
    keyScratch.length = 0;
  }
  let v: string;
  let a = false;
  if (encoded || n === 0) {
    // An event still encoded (it crossed a thread and nobody read it) is sent as it came.
    v = '';
    for (let i = 0; i < n; i++) {
      if (i > 0) v += SEP;
      v += valueJson(events[i] as SluiceEvent);
    }
  } else {
    scratch.length = n;
    for (let i = 0; i < n; i++) scratch[i] = (events[i] as SluiceEvent).value;
    try {
      v = JSON.stringify(scratch);
    } finally {
      scratch.length = 0;
    }
    a = true;
  }
  const b: EncodedBatch = unsafe ? { t, s, j: true, v } : { t, s, v };
  if (a) b.a = true;
  return b;
}

/** How many times the character `c` occurs in `s`. */
function occurrences(s: string, c: string): number {
  let count = 0;
  for (let i = s.indexOf(c); i >= 0; i = s.indexOf(c, i + 1)) count++;
  return count;
}

/** The events of a batch; their values stay encoded until read (`EncodedEvent`). */
export function decodeBatch(b: EncodedBatch): SluiceEvent[] {
  const t = b.t;
  const n = t.length / 2;
  let ids: string[];
  let keys: (string | null)[];
  if (b.j) {
    [ids, keys] = JSON.parse(b.s) as [string[], (string | null)[]];
  } else {
    const p = b.s.indexOf(PART);
    ids = b.s.slice(0, p).split(SEP);
    keys = b.s.slice(p + 1).split(SEP);
  }
  const values = valueTexts(b);
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

/** Each value's JSON text, as the events `decodeBatch` makes would give them (`valueJson`). */
export function valueTexts(b: EncodedBatch): string[] {
  const n = b.t.length / 2;
  if (n === 0) return [];
  return b.a ? splitJsonArray(b.v, n) : b.v.split(SEP);
}

/**
 * Each element's text of a JSON array written by `JSON.stringify` (no whitespace), as slices of
 * `json` (no copy): the commas at depth one end the elements. Strings are skipped with
 * `indexOf` to their closing quote (one preceded by an even run of backslashes).
 */
export function splitJsonArray(json: string, n: number): string[] {
  const out = new Array<string>(n);
  const last = json.length - 1; // the closing ']'
  let depth = 0;
  let start = 1;
  let k = 0;
  for (let i = 1; i < last; i++) {
    const c = json.charCodeAt(i);
    if (c === 34 /* " */) {
      let q = json.indexOf('"', i + 1);
      for (;;) {
        let b = q - 1;
        while (json.charCodeAt(b) === 92 /* \ */) b--;
        if ((q - 1 - b) % 2 === 0) break;
        q = json.indexOf('"', q + 1);
      }
      i = q;
    } else if (c === 123 /* { */ || c === 91 /* [ */) depth++;
    else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
    else if (c === 44 /* , */ && depth === 0) {
      out[k++] = json.slice(start, i);
      start = i + 1;
    }
  }
  if (n > 0) out[k] = json.slice(start, last);
  return out;
}

/** Bytes a batch occupies on the wire (for bytes/s): the typed array plus UTF-16 string length. */
export function encodedSize(b: EncodedBatch): number {
  return b.t.byteLength + b.s.length + b.v.length;
}
