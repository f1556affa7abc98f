import type { ExecutionPlan } from '../compiler/ExecutionPlan.js';

/** The event a worker was delivering when it died or hung, read from its in-flight cell. */
export interface InFlightEvent {
  /** Instance key (`<nodeId>#<i>`). */
  instance: string;
  /** Its position: events the instance had received since its worker started, this one included. */
  received: number;
}

/** An event to set aside in the next generation of workers (see `StartWorker.skip`). */
export interface PoisonSkip {
  instance: string;
  at: number;
  reason: string;
}

/** Deaths with the same event in flight after which it is set aside. */
export const POISON_ATTEMPTS = 2;

interface Suspect {
  instance: string;
  /** Position after the latest completed checkpoint (the one the next generation restores). */
  offset: number;
  deaths: number;
  /** What the event did to its worker, for the dead letter. */
  cause: string;
}

/**
 * Finds poison events: an event that kills or hangs its worker on every attempt.
 *
 * Every instance's input replays in the same order after a restore (channels are FIFO from
 * replayable sources), so an event is named by its instance and its position after the
 * latest completed checkpoint, whichever plan shape put it there (a task root, or a node fused
 * behind a source or another node):
 * 1. A worker dies: its in-flight cell names the instance and the position since the worker
 *    started; minus the instance's position at the latest completed checkpoint (reported with
 *    its snapshot), that is the offset after that checkpoint. The event becomes a suspect.
 * 2. Each checkpoint completed later moves every suspect's offset back by what the instance
 *    received up to it; a suspect the checkpoint covers has passed (it did not kill again).
 * 3. A death at a suspect's place again makes it poison: the next generation, restored from
 *    the same checkpoint, sets it aside as a dead letter at that offset and goes on.
 *
 * Where an instance merges several inputs, their interleaving may differ between attempts,
 * so a position there may name another event; the run then goes on retrying within its
 * restart budget.
 */
export class PoisonTracker {
  /** Instance key per in-flight slot (slot 1 is the first instance of the plan). */
  private readonly bySlot: string[];
  private readonly nodeOf: Map<string, string>;
  /** Positions at the latest completed checkpoint, in the current generation of workers. */
  private base = new Map<string, number>();
  private suspects: Suspect[] = [];

  constructor(plan: ExecutionPlan) {
    this.bySlot = Object.keys(plan.instances);
    this.nodeOf = new Map(Object.values(plan.instances).map((i) => [i.key, i.nodeId]));
  }

  /** The event in flight in a dead worker's cell, or null when it was not delivering one. */
  read(cell: Float64Array): InFlightEvent | null {
    const slot = cell[0] as number;
    const received = cell[1] as number;
    const instance = this.bySlot[slot - 1];
    return instance !== undefined && received > 0 ? { instance, received } : null;
  }

  /** A new generation of workers starts from the latest completed checkpoint: positions restart at 0. */
  started(): void {
    this.base = new Map();
  }

  /** A checkpoint completed; `received` holds every instance's position at its barrier. */
  checkpointCompleted(received: ReadonlyMap<string, number>): void {
    this.suspects = this.suspects.filter((s) => {
      s.offset -= (received.get(s.instance) ?? 0) - (this.base.get(s.instance) ?? 0);
      return s.offset > 0;
    });
    this.base = new Map(received);
  }

  /**
   * A worker died (`cause`: "made its worker exit (code 3)", "hung its worker for 10 s") with
   * `event` in flight. Returns where it happened, and how often that event has now killed a
   * worker (from POISON_ATTEMPTS on, the next generation sets it aside); null without an event.
   */
  died(event: InFlightEvent | null, cause: string): { node: string; deaths: number } | null {
    if (!event) return null;
    const node = this.nodeOf.get(event.instance) ?? event.instance;
    const offset = event.received - (this.base.get(event.instance) ?? 0);
    if (offset <= 0) return { node, deaths: 1 };
    let suspect = this.suspects.find((s) => s.instance === event.instance && s.offset === offset);
    if (!suspect) this.suspects.push((suspect = { instance: event.instance, offset, deaths: 0, cause }));
    suspect.deaths++;
    return { node, deaths: suspect.deaths };
  }

  /** What the next generation (restored from the latest completed checkpoint) sets aside. */
  skips(): PoisonSkip[] {
    return this.suspects
      .filter((s) => s.deaths >= POISON_ATTEMPTS)
      .map((s) => ({
        instance: s.instance,
        at: s.offset,
        reason: `this event ${s.cause} on ${s.deaths} attempts, so it was set aside`,
      }));
  }
}
