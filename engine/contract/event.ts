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
