/**
 * The one event shape that flows on every edge (SPEC §3).
 *
 * `emittedAt` is internal: the wall-clock ms at which a source emitted the event (or the event it
 * derives from). It exists only so edges can report latency; sinks never write it and it is not
 * part of the graph file's contract.
 */
export interface SluiceEvent {
  id: string;
  key: string | null;
  /** Event time in ms. */
  time: number;
  /** Any JSON value. */
  value: unknown;
  /** Wall-clock ms of source emission, carried along for latency metrics. */
  emittedAt: number;
}

/** A new event derived from `from`: same id, key, time and emission stamp, new value. */
export function withValue(from: SluiceEvent, value: unknown): SluiceEvent {
  return { id: from.id, key: from.key, time: from.time, value, emittedAt: from.emittedAt };
}

/** The user-visible envelope of an event: what `sink.file` writes with `envelope: true`. */
export function envelopeOf(e: SluiceEvent): { id: string; key: string | null; time: number; value: unknown } {
  return { id: e.id, key: e.key, time: e.time, value: e.value };
}

/**
 * An event whose value arrived as JSON text (from another thread) and is decoded only when
 * someone reads `value`. Until then `json` is that text, so an operator that never reads the
 * value (keyBy on the key, a router on the key, a topic) passes it on undecoded, and a sink
 * that writes JSON (`valueJson`) writes the bytes it received. Reading or setting `value` ends
 * it: the value may be changed in place after it is read, so the text is no longer trusted.
 * Serialises (`toJSON`) as a plain event; `plainEvent` makes one for code that spreads events.
 */
export class EncodedEvent implements SluiceEvent {
  private text: string;
  private decoded: unknown = undefined;
  private read = false;
  /** `decoded` holds the text's value for a reader that promised not to change it (`peekValue`). */
  private peeked = false;
  /**
   * The contract the producer checked the value against before it crossed the thread (the
   * receiving sink's own, `orders@2`): the sink does not decode it to check it again.
   */
  checkedAgainst: string | undefined = undefined;

  constructor(
    public id: string,
    public key: string | null,
    public time: number,
    json: string,
    public emittedAt: number,
  ) {
    this.text = json;
  }

  get value(): unknown {
    if (!this.read) {
      if (!this.peeked) this.decoded = JSON.parse(this.text);
      this.read = true;
      this.text = '';
    }
    return this.decoded;
  }

  set value(v: unknown) {
    this.decoded = v;
    this.read = true;
    this.text = '';
  }

  /**
   * The value for a reader that does not change it (a contract check): decoded once, and the
   * text kept, so a sink that writes JSON still writes the bytes it received (no stringify).
   */
  peekValue(): unknown {
    if (this.read) return this.decoded;
    if (!this.peeked) {
      this.decoded = JSON.parse(this.text);
      this.peeked = true;
    }
    return this.decoded;
  }

  /** The value's JSON as received, while nobody has read or set `value`; else undefined. */
  get json(): string | undefined {
    return this.read ? undefined : this.text;
  }

  toJSON(): SluiceEvent {
    return plainEvent(this);
  }
}

/** An event's value for a reader that does not change it (see `EncodedEvent.peekValue`). */
export function peekValue(e: SluiceEvent): unknown {
  return e instanceof EncodedEvent ? e.peekValue() : e.value;
}

/**
 * The JSON text of an event's value: the text it arrived as when nobody has read it (no parse,
 * no stringify), else `JSON.stringify(value)` (`null` for what JSON cannot hold). What sinks that
 * write JSON, and the batch codec, use.
 */
export function valueJson(e: SluiceEvent): string {
  if (e instanceof EncodedEvent) {
    const text = e.json;
    if (text !== undefined) return text;
  }
  return JSON.stringify(e.value) ?? 'null';
}

/** A new event like `from` with another key; keeps `from`'s undecoded value undecoded. */
export function withKey(from: SluiceEvent, key: string | null): SluiceEvent {
  if (from instanceof EncodedEvent) {
    const text = from.json;
    if (text !== undefined) return new EncodedEvent(from.id, key, from.time, text, from.emittedAt);
  }
  return { id: from.id, key, time: from.time, value: from.value, emittedAt: from.emittedAt };
}

/** `e` as a plain object (its value decoded): for user code, which may spread or enumerate it. */
export function plainEvent(e: SluiceEvent): SluiceEvent {
  if (!(e instanceof EncodedEvent)) return e;
  return { id: e.id, key: e.key, time: e.time, value: e.value, emittedAt: e.emittedAt };
}

/** `JSON.stringify(envelopeOf(e))`, with an undecoded value written as the text it arrived as. */
export function envelopeJson(e: SluiceEvent): string {
  const text = e instanceof EncodedEvent ? e.json : undefined;
  if (text === undefined) return JSON.stringify(envelopeOf(e));
  return `{"id":${JSON.stringify(e.id)},"key":${JSON.stringify(e.key)},"time":${JSON.stringify(e.time)},"value":${text}}`;
}
