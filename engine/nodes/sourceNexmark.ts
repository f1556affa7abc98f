import type { FieldSchema, NodeDescriptor } from '../contract/descriptor.js';
import { sourceTimeConfig } from './sourceTimeConfig.js';
import type { Emitter, OperatorContext, PollResult, SourceOperator } from '../contract/operator.js';
import type { NexmarkSettings } from './NexmarkModel.js';
import { NEXMARK_DEFAULTS, NexmarkModel } from './NexmarkModel.js';

/** A whole-number setting whose default is the suite's. */
const setting = (key: keyof NexmarkSettings, label: string, doc: string, min = 1): FieldSchema => ({
  kind: 'number',
  label,
  doc,
  default: NEXMARK_DEFAULTS[key],
  min,
  integer: true,
});

/** Settings from a node config with descriptor defaults applied. */
export function nexmarkSettings(c: Readonly<Record<string, unknown>>): NexmarkSettings {
  const s: NexmarkSettings = { ...NEXMARK_DEFAULTS };
  for (const k of Object.keys(s) as Array<keyof NexmarkSettings>) if (typeof c[k] === 'number') s[k] = c[k];
  return s;
}

/**
 * `source.nexmark`: the Nexmark benchmark's auction events (persons, auctions, bids), the field's
 * standard streaming workload. Event i has id "<node>-i"; its key is the auction id (auctions
 * and bids) or the person id (persons), so per-auction queries need no keyBy; its time is the
 * generator's event time. Replayable from any index.
 */
export const sourceNexmark: NodeDescriptor = {
  type: 'source.nexmark',
  title: 'Nexmark',
  category: 'source',
  doc:
    'Generates the Nexmark benchmark’s online auction: per 50 events 1 new person, 3 new auctions ' +
    'and 46 bids, deterministic from the seed, with event times at firstEventRate events per second. ' +
    'The value is the person, auction or bid with a `type` field; the key is the auction id (person id ' +
    'for persons). Without `count` it never ends.',
  config: {
    count: { kind: 'number', label: 'Count', doc: 'How many events to emit. Empty: unbounded.', min: 0, integer: true },
    seed: setting('seed', 'Seed', 'The same seed gives the same events.', 0),
    firstEventRate: {
      kind: 'number',
      label: 'Event rate (events/s)',
      doc: 'Events per second of event time (the suite’s first-event.rate; its published runs use 10,000,000).',
      default: NEXMARK_DEFAULTS.firstEventRate,
      min: 0.001,
    },
    rateLimited: {
      kind: 'boolean',
      label: 'Real time',
      doc: 'Emit each event when its event time is due (firstEventRate per second of wall-clock time). Off: as fast as downstream accepts.',
      default: false,
    },
    baseTime: setting(
      'baseTime',
      'Base time (ms)',
      'Event time of the first event, ms since 1970 (2015-07-15 by default).',
      0,
    ),
    personProportion: setting('personProportion', 'Persons per round', 'New persons in each round of events.'),
    auctionProportion: setting('auctionProportion', 'Auctions per round', 'New auctions in each round of events.'),
    bidProportion: setting('bidProportion', 'Bids per round', 'Bids in each round of events.'),
    hotAuctionRatio: setting(
      'hotAuctionRatio',
      'Hot auction ratio',
      '1 in this many bids is for any open auction; the rest for the hot one.',
    ),
    hotSellersRatio: setting(
      'hotSellersRatio',
      'Hot seller ratio',
      '1 in this many auctions has any active seller; the rest the hot one.',
    ),
    hotBiddersRatio: setting(
      'hotBiddersRatio',
      'Hot bidder ratio',
      '1 in this many bids has any active bidder; the rest the hot one.',
    ),
    numInFlightAuctions: setting(
      'numInFlightAuctions',
      'Auctions in flight',
      'How many recent auctions bids may go to.',
    ),
    numActivePeople: setting('numActivePeople', 'Active people', 'How many recent persons may sell or bid.'),
    outOfOrderGroupSize: setting(
      'outOfOrderGroupSize',
      'Out-of-order group',
      'Events are shuffled within groups of this many (1: in order).',
    ),
    ...sourceTimeConfig,
  },
  ports: () => ({ inputs: [], outputs: ['out'] }),
  runsUserCode: false,
  changesKey: false,
  maxParallelism: 1,
  create: (ctx) => new NexmarkOperator(ctx),
};

class NexmarkOperator implements SourceOperator {
  readonly kind = 'source' as const;
  private next = 0;
  private newest = Number.NEGATIVE_INFINITY;
  private readonly count: number;
  private readonly model: NexmarkModel;
  private readonly idPrefix: string;
  private readonly realTime: boolean;
  /** Wall-clock ms at which event time `baseTime` is due (real time); set on the first poll. */
  private wallBase = -1;

  constructor(private readonly ctx: OperatorContext) {
    const c = ctx.config;
    this.count = typeof c.count === 'number' ? c.count : Infinity;
    this.model = new NexmarkModel(nexmarkSettings(c));
    this.idPrefix = ctx.nodeId + '-';
    this.realTime = c.rateLimited === true;
  }

  poll(budget: number, out: Emitter): PollResult {
    if (this.next >= this.count) return 'end';
    const now = this.ctx.now();
    let end = Math.min(this.count, this.next + budget);
    if (this.realTime) {
      const { model } = this;
      // Paced by the unshuffled timeline, as the suite's wallclockTimestamp is.
      if (this.wallBase < 0) this.wallBase = now - (model.timestamp(this.next) - model.settings.baseTime);
      const dueBefore = model.settings.baseTime + (now - this.wallBase);
      let due = this.next;
      while (due < end && model.timestamp(due) <= dueBefore) due++;
      if (due === this.next) {
        this.ctx.setTimer(this.wallBase + (model.timestamp(this.next) - model.settings.baseTime));
        return 'idle';
      }
      end = due;
    }
    let newest = this.newest;
    for (let i = this.next; i < end; i++) {
      const e = this.model.event(i, this.idPrefix, now);
      if (e.time > newest) newest = e.time;
      out.emit('out', e);
    }
    this.newest = newest;
    this.next = end;
    return end >= this.count ? 'end' : 'more';
  }

  newestTime(): number {
    return this.newest;
  }

  /** Nothing to do: the timer only wakes the runtime to poll again once an event is due. */
  onTimer(): void {}

  snapshot(): unknown {
    return { next: this.next };
  }

  restore(state: unknown): void {
    const next = (state as { next?: unknown } | null)?.next;
    if (typeof next === 'number') this.next = next;
    this.wallBase = -1;
  }
}
