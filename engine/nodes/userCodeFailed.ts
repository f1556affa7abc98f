import type { SluiceEvent } from '../contract/event.js';
import { envelopeOf } from '../contract/event.js';
import type { Emitter, OperatorContext } from '../contract/operator.js';

/** The names every event expression may use (SPEC §3). */
export const EVENT_VARS = ['value', 'key', 'time', 'event'] as const;

/** The message of whatever user code threw (it may throw a non-Error). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Route an event whose user code threw (SPEC §4): to the `error` port as `{ event, error, node }`
 * when it is connected, else to the run's dead letters. Counted as an error either way; the
 * graph goes on. Kept out of line so the hot path of every node stays small.
 */
export function userCodeFailed(ctx: OperatorContext, out: Emitter, event: SluiceEvent, err: unknown): void {
  const message = errorMessage(err);
  ctx.countError(1);
  if (ctx.isConnected('error')) {
    out.emit('error', {
      id: event.id,
      key: event.key,
      time: event.time,
      value: { event: envelopeOf(event), error: message, node: ctx.nodeId },
      emittedAt: event.emittedAt,
    });
  } else {
    ctx.deadLetter(event, message);
  }
}
