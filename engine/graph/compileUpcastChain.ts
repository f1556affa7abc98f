import type { EventSchema } from '../contract/eventSchema.js';
import { compileExpression, type CompiledCode } from './expression.js';
import { UPCAST_VARS } from './parseSchemaFile.js';

/** An event's fields other than its value, which an upcast expression may read. */
export interface UpcastContext {
  id?: string;
  key?: string | null;
  time?: number;
}

/** Turns a value of any version of one contract into a value of its newest version. */
export interface UpcastChain {
  name: string;
  /** The newest version, the one `upcast` returns values of. */
  latest: number;
  /** The versions the chain knows, oldest first. */
  versions: readonly number[];
  /**
   * A value written with version `from`, upcast version by version to `latest` (SPEC §11): each
   * later version's `upcast` expression in turn, unchanged through a version without one (its
   * mode made it read the previous one's events as they are). Throws `UpcastError`.
   */
  upcast(value: unknown, from: number, event?: UpcastContext): unknown;
}

/** An upcast that cannot be done: an unknown version, or an expression that threw. */
export class UpcastError extends Error {
  constructor(
    message: string,
    /** The version the failing step started from. */
    readonly from: number,
  ) {
    super(message);
    this.name = 'UpcastError';
  }
}

/**
 * Compile the upcast chain of contract `name` from the graph's schemas: each `upcast` expression
 * compiled once (with `compileExpression`, so this runs where a run runs, never in the editor,
 * whose Content-Security-Policy forbids compiling code). A source that replays older events
 * calls `upcast` per event, so event-sourced state rebuilds across versions.
 */
export function compileUpcastChain(schemas: readonly EventSchema[], name: string): UpcastChain {
  const versions = schemas.filter((s) => s.name === name).sort((a, b) => a.version - b.version);
  if (versions.length === 0) throw new UpcastError(`there is no contract named ${name}`, 0);
  const steps = versions.map((s, i) =>
    i > 0 && s.upcast !== undefined ? compileExpression(s.upcast, UPCAST_VARS) : null,
  ) as Array<CompiledCode | null>;
  const numbers = versions.map((s) => s.version);
  const latest = numbers[numbers.length - 1] as number;
  return {
    name,
    latest,
    versions: numbers,
    upcast(value, from, event = {}) {
      const start = numbers.indexOf(from);
      if (start < 0) {
        throw new UpcastError(`${name} has no version ${String(from)} (it has ${numbers.join(', ')})`, from);
      }
      let current = value;
      for (let i = start + 1; i < versions.length; i++) {
        const step = steps[i];
        if (!step) continue;
        try {
          current = step(current, event.key ?? null, event.time, { ...event, value: current });
        } catch (err) {
          const why = err instanceof Error ? err.message : String(err);
          throw new UpcastError(
            `${versions[i]!.ref}'s upcast failed on a v${numbers[i - 1]} value: ${why}`,
            numbers[i - 1] as number,
          );
        }
      }
      return current;
    },
  };
}
