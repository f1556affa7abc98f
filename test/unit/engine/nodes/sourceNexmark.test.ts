import { describe, expect, it } from 'vitest';
import type { SluiceEvent } from '../../../../engine/contract/event.js';
import { sourceNexmark } from '../../../../engine/nodes/sourceNexmark.js';
import { SourceHarness } from './harness.js';

type Entity = Record<string, unknown> & { type: 'person' | 'auction' | 'bid' };
const BASE_TIME = Date.parse('2015-07-15T00:00:00Z');

function events(config: Record<string, unknown>, opts: { nodeId?: string } = {}): SluiceEvent[] {
  const h = new SourceHarness(sourceNexmark, config, opts);
  expect(h.drain(1000)).toBe('end');
  return h.out.on('out');
}
const entity = (e: SluiceEvent): Entity => e.value as Entity;

describe('source.nexmark', () => {
  it('emits per 50 events 1 person, then 3 auctions, then 46 bids, as the suite does', () => {
    const all = events({ count: 5000 });
    expect(all).toHaveLength(5000);
    for (let round = 0; round < 100; round++) {
      const types = all.slice(round * 50, round * 50 + 50).map((e) => entity(e).type);
      expect(types[0]).toBe('person');
      expect(types.slice(1, 4)).toEqual(['auction', 'auction', 'auction']);
      expect(types.slice(4).every((t) => t === 'bid')).toBe(true);
    }
  });

  it('follows other proportions from its config', () => {
    const types = events({ count: 100, personProportion: 2, auctionProportion: 1, bidProportion: 7 }).map(
      (e) => entity(e).type,
    );
    expect(types.slice(0, 10)).toEqual(['person', 'person', 'auction', ...new Array(7).fill('bid')]);
    expect(types.filter((t) => t === 'person')).toHaveLength(20);
  });

  it('numbers persons and auctions from 1000 up; bids and sellers refer to ones made at most 10 ahead', () => {
    let lastPerson = 999;
    let lastAuction = 999;
    const wrong: string[] = [];
    const check = (ok: boolean, what: string, e: SluiceEvent): void => void (ok || wrong.push(`${e.id}: ${what}`));
    for (const e of events({ count: 20_000 })) {
      const v = entity(e);
      const n = (k: string): number => v[k] as number;
      if (v.type === 'person') check(n('id') === ++lastPerson, 'person id', e);
      else if (v.type === 'auction') {
        check(n('id') === ++lastAuction, 'auction id', e);
        check(n('seller') >= 1000 && n('seller') <= lastPerson + 10, 'seller', e);
        check(n('category') >= 10 && n('category') < 15, 'category', e);
        check(n('reserve') > n('initialBid'), 'reserve', e);
        check(n('expires') > e.time, 'expires', e);
      } else {
        check(n('auction') >= Math.max(1000, lastAuction - 100) && n('auction') <= lastAuction + 10, 'auction', e);
        check(n('bidder') >= Math.max(1000, lastPerson - 1000) && n('bidder') <= lastPerson + 10, 'bidder', e);
        check(n('price') >= 100 && n('price') <= 100_000_000, 'price', e);
      }
    }
    expect(wrong).toEqual([]);
    expect([lastPerson, lastAuction]).toEqual([1000 + 400 - 1, 1000 + 1200 - 1]);
  });

  it('sends half the bids to the hot auction and three quarters from the hot bidder (ratios 2 and 4)', () => {
    let lastAuction = 999;
    let lastPerson = 999;
    let bids = 0;
    let hotAuction = 0;
    let hotBidder = 0;
    let auctions = 0;
    let hotSeller = 0;
    for (const e of events({ count: 50_000 })) {
      const v = entity(e);
      if (v.type === 'person') lastPerson = v.id as number;
      else if (v.type === 'auction') {
        lastAuction = v.id as number;
        auctions++;
        // The hot seller is the first person of the latest batch of 100.
        if (v.seller === Math.floor((lastPerson - 1000) / 100) * 100 + 1000) hotSeller++;
      } else {
        bids++;
        if (v.auction === Math.floor((lastAuction - 1000) / 100) * 100 + 1000) hotAuction++;
        // The hot bidder is the second one, so hot bidders and sellers differ.
        if (v.bidder === Math.floor((lastPerson - 1000) / 100) * 100 + 1001) hotBidder++;
      }
    }
    expect(hotAuction / bids).toBeGreaterThan(0.49);
    expect(hotAuction / bids).toBeLessThan(0.53);
    expect(hotBidder / bids).toBeGreaterThan(0.74);
    expect(hotBidder / bids).toBeLessThan(0.77);
    expect(hotSeller / auctions).toBeGreaterThan(0.72);
    expect(hotSeller / auctions).toBeLessThan(0.79);
  });

  it('pads records to the suite’s average sizes: bids 100 bytes, auctions 500, persons 200', () => {
    const size = { bid: [] as number[], auction: [] as number[], person: [] as number[] };
    for (const e of events({ count: 20_000 })) {
      const v = entity(e);
      const strings = Object.values(v).filter((x): x is string => typeof x === 'string' && x !== v.type);
      const longs = Object.values(v).filter((x) => typeof x === 'number').length - 1; // dateTime is one of the suite's 8
      size[v.type].push(strings.reduce((n, s) => n + s.length, 0) + 8 * longs);
    }
    const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    // The idealized sizes of the suite: 8 bytes per number, one per character (URL and channel
    // are not counted in a bid's, as in BidGenerator).
    expect(avg(size.person)).toBeGreaterThan(190);
    expect(avg(size.person)).toBeLessThan(215);
    expect(avg(size.auction)).toBeGreaterThan(480);
    expect(avg(size.auction)).toBeLessThan(520);
    const bids = events({ count: 5000 })
      .map(entity)
      .filter((v) => v.type === 'bid');
    expect(avg(bids.map((v) => 32 + (v.extra as string).length))).toBeGreaterThan(95);
    expect(avg(bids.map((v) => 32 + (v.extra as string).length))).toBeLessThan(105);
  });

  it('keys bids and auctions by auction id and persons by person id; ids are <node>-i', () => {
    const all = events({ count: 12_346 }, { nodeId: 'nx' });
    expect(all.map((e) => e.id)).toEqual(all.map((_, i) => `nx-${i}`));
    for (const e of all) {
      const v = entity(e);
      expect(e.key).toBe(String(v.type === 'bid' ? v.auction : v.id));
      expect(v.dateTime).toBe(e.time);
    }
  });

  it('times events from the base time at firstEventRate per second of event time, never going back', () => {
    const all = events({ count: 3000 });
    // 10,000 events/s by default: 100 µs apart, ten events per millisecond.
    expect(all.slice(0, 12).map((e) => e.time - BASE_TIME)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect(all.at(-1)!.time - BASE_TIME).toBe(299);
    for (let i = 1; i < all.length; i++) expect(all[i]!.time).toBeGreaterThanOrEqual(all[i - 1]!.time);
    const fast = events({ count: 20, firstEventRate: 1000, baseTime: 5000 });
    expect(fast.map((e) => e.time)).toEqual(Array.from({ length: 20 }, (_, i) => 5000 + i));
  });

  it('shuffles events within out-of-order groups, but never below the suite’s watermark', () => {
    const n = 10;
    const all = events({ count: 2000, outOfOrderGroupSize: n, firstEventRate: 1000, baseTime: 0 });
    const times = all.map((e) => e.time);
    expect(times.some((t, i) => i > 0 && t < times[i - 1]!)).toBe(true);
    // Within each group the events are a permutation of the group's numbers; the group's first
    // number's time is a watermark: no event from that group on is earlier.
    for (let g = 0; g < 2000; g += n) {
      expect(times.slice(g, g + n).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, k) => g + k));
      expect(Math.min(...times.slice(g))).toBe(g);
    }
  });

  it('gives the same events for the same seed and different ones for another', () => {
    const a = events({ count: 500, seed: 7 });
    const b = events({ count: 500, seed: 7 });
    const c = events({ count: 500, seed: 8 });
    expect(b).toEqual(a);
    expect(c.map((e) => e.time)).toEqual(a.map((e) => e.time));
    expect(c.map((e) => entity(e).type)).toEqual(a.map((e) => entity(e).type));
    const differing = c.filter((e, i) => JSON.stringify(e.value) !== JSON.stringify(a[i]!.value));
    expect(differing.length).toBeGreaterThan(490);
  });

  it('replays from any index: restoring its snapshot emits exactly the events from there on', () => {
    const whole = events({ count: 400 });
    const first = new SourceHarness(sourceNexmark, { count: 400 });
    first.poll(137);
    const state = first.op.snapshot(1);
    expect(state).toEqual({ next: 137 });
    const resumed = new SourceHarness(sourceNexmark, { count: 400 });
    resumed.op.restore(state);
    expect(resumed.drain(50)).toBe('end');
    expect(resumed.out.on('out')).toEqual(whole.slice(137));
  });

  it('emits no more than the budget per poll, ends at count and never without one', () => {
    const h = new SourceHarness(sourceNexmark, { count: 5 });
    expect(h.poll(3)).toBe('more');
    expect(h.poll(3)).toBe('end');
    expect(h.poll(3)).toBe('end');
    expect(h.out.on('out')).toHaveLength(5);
    const endless = new SourceHarness(sourceNexmark, {});
    for (let i = 0; i < 20; i++) expect(endless.poll(500)).toBe('more');
    expect(endless.out.on('out')).toHaveLength(10_000);
  });

  it('in real time emits only what is due and sets a timer for the next event', () => {
    const h = new SourceHarness(sourceNexmark, { firstEventRate: 1000, rateLimited: true, baseTime: 0 }, { now: 50 });
    expect(h.poll(1000)).toBe('more');
    expect(h.out.on('out').map((e) => e.time)).toEqual([0]);
    expect(h.poll(1000)).toBe('idle');
    expect(h.ctx.timer).toBe(51);
    h.advance(10);
    h.poll(1000);
    expect(h.out.on('out').map((e) => e.time)).toEqual(Array.from({ length: 11 }, (_, i) => i));
  });

  it('has one output, no inputs and parallelism 1', () => {
    expect(sourceNexmark.ports({})).toEqual({ inputs: [], outputs: ['out'] });
    expect(sourceNexmark.maxParallelism).toBe(1);
  });
});
