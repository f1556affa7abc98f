import type { SluiceEvent } from '../contract/event.js';
import { plainEvent } from '../contract/event.js';
import { compileExpression } from '../graph/expression.js';
import { EVENT_VARS } from './userCodeFailed.js';

/** A compiled event expression: called with the event, it passes `value, key, time, event`. */
export type EventExpression = (e: SluiceEvent) => unknown;

/**
 * Compile an expression over `EVENT_VARS` so that it decodes only what it uses: an event whose
 * value is still encoded (`EncodedEvent`) stays so when the expression never names `value` or
 * `event` (`key`, `time.toString()`), and user code that names `event` gets a plain object (it
 * may spread it). Names are found in the text (a property called `value` counts too, and any
 * escape counts as every name): erring only towards decoding.
 */
export function compileEventExpression(source: string): EventExpression {
  const fn = compileExpression(source, EVENT_VARS);
  const any = source.includes('\\') || /\b(arguments|eval)\b/.test(source);
  const readsValue = any || /\bvalue\b/.test(source);
  const readsEvent = any || /\bevent\b/.test(source);
  if (readsEvent) {
    return (e) => {
      const p = plainEvent(e);
      return fn(p.value, p.key, p.time, p);
    };
  }
  if (readsValue) return (e) => fn(e.value, e.key, e.time, undefined);
  return (e) => fn(undefined, e.key, e.time, undefined);
}
