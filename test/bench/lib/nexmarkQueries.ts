/**
 * Nexmark q0, q1, q2, q5, q7 and q8 as plain single-threaded loops over the generator's events, with
 * no Sluice operator involved: the expected results of the templates' test, and the hand-written
 * baseline of `npm run bench nexmark`. Semantics as nexmark/nexmark's Flink SQL
 * (queries/q*.sql), in the form the templates document: windows are [start, end) with the
 * watermark 4 s behind the largest bid time, as the suite's DDL sets it.
 */
import type { SluiceEvent } from '../../../engine/contract/event.js';

/** Feed events in order, then `end()`; results go to the `emit` the query was made with. */
export interface PlainQuery {
  add(e: SluiceEvent): void;
  end(): void;
}

export type QueryName = 'q0' | 'q1' | 'q2' | 'q5' | 'q7' | 'q8';

interface Bid {
  type: 'bid';
  auction: number;
  bidder: number;
  price: number;
  dateTime: number;
  extra: string;
}

const WATERMARK_DELAY_MS = 4000;

function bidOf(e: SluiceEvent): Bid | null {
  return (e.value as { type?: unknown }).type === 'bid' ? (e.value as Bid) : null;
}

/** q5: 10-s windows sliding by 2 s; per window the auctions with the most bids. */
function hotItems(emit: (r: unknown) => void): PlainQuery {
  const SIZE = 10_000;
  const SLIDE = 2_000;
  const windows = new Map<number, Map<number, number>>();
  let watermark = -Infinity;
  const close = (upTo: number): void => {
    for (const [start, counts] of [...windows].sort((a, b) => a[0] - b[0])) {
      if (start + SIZE > upTo) continue;
      let max = 0;
      for (const n of counts.values()) if (n > max) max = n;
      for (const [auction, num] of counts) if (num >= max) emit({ auction, num, start, end: start + SIZE });
      windows.delete(start);
    }
  };
  return {
    add(e) {
      const b = bidOf(e);
      if (b === null) return;
      const t = e.time;
      for (let s = Math.floor(t / SLIDE) * SLIDE; s > t - SIZE; s -= SLIDE) {
        if (s + SIZE <= watermark) continue; // that window has fired: late for it
        let counts = windows.get(s);
        if (counts === undefined) windows.set(s, (counts = new Map()));
        counts.set(b.auction, (counts.get(b.auction) ?? 0) + 1);
      }
      if (t - WATERMARK_DELAY_MS > watermark) {
        watermark = t - WATERMARK_DELAY_MS;
        close(watermark);
      }
    },
    end: () => close(Infinity),
  };
}

/** q7: per 10-s tumbling window, the bids at the highest price. */
function highestBid(emit: (r: unknown) => void): PlainQuery {
  const SIZE = 10_000;
  const windows = new Map<number, { max: number; bids: Bid[] }>();
  let watermark = -Infinity;
  const close = (upTo: number): void => {
    for (const [start, w] of [...windows].sort((a, b) => a[0] - b[0])) {
      if (start + SIZE > upTo) continue;
      for (const b of w.bids)
        emit({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra });
      windows.delete(start);
    }
  };
  return {
    add(e) {
      const b = bidOf(e);
      if (b === null) return;
      const start = Math.floor(e.time / SIZE) * SIZE;
      if (start + SIZE > watermark) {
        const w = windows.get(start);
        if (w === undefined || b.price > w.max) windows.set(start, { max: b.price, bids: [b] });
        else if (b.price === w.max) w.bids.push(b);
      }
      if (e.time - WATERMARK_DELAY_MS > watermark) {
        watermark = e.time - WATERMARK_DELAY_MS;
        close(watermark);
      }
    },
    end: () => close(Infinity),
  };
}

/**
 * q8: monitor new users, in the templates' form: a person joined with each auction they open
 * within 10 s of joining (an interval join: auction time in [person time, person time + 10 s]).
 * Events come in time order, so nothing is late and a person's auctions all come after them.
 */
function newUsers(emit: (r: unknown) => void): PlainQuery {
  const WITHIN_MS = 10_000;
  const persons = new Map<number, { name: string; time: number }>();
  // At high event rates many events share a millisecond: an auction may come just before its
  // seller's person event at the same time, and the interval still holds it.
  const lastAuctions = new Map<number, Array<{ id: number; time: number; dateTime: number }>>();
  return {
    add(e) {
      const v = e.value as { type: string; id: number; name?: string; seller?: number; dateTime: number };
      if (v.type === 'person') {
        persons.set(v.id, { name: v.name!, time: e.time });
        for (const a of lastAuctions.get(v.id) ?? [])
          if (a.time >= e.time && a.time <= e.time + WITHIN_MS)
            emit({ id: v.id, name: v.name, auction: a.id, opened: a.dateTime });
      } else if (v.type === 'auction') {
        const seller = v.seller!;
        const p = persons.get(seller);
        if (p !== undefined && e.time >= p.time && e.time <= p.time + WITHIN_MS)
          emit({ id: seller, name: p.name, auction: v.id, opened: v.dateTime });
        // Only auctions of this millisecond can still meet a person yet to come.
        const list = lastAuctions.get(seller);
        if (list !== undefined && list.length > 0 && list[0]!.time === e.time)
          list.push({ id: v.id, time: e.time, dateTime: v.dateTime });
        else lastAuctions.set(seller, [{ id: v.id, time: e.time, dateTime: v.dateTime }]);
      }
    },
    end() {},
  };
}

/** A fresh query that hands each result to `emit`. */
export function plainQuery(name: QueryName, emit: (r: unknown) => void): PlainQuery {
  const each = (f: (b: Bid) => void): PlainQuery => ({
    add(e) {
      const b = bidOf(e);
      if (b !== null) f(b);
    },
    end() {},
  });
  switch (name) {
    case 'q0':
      return each((b) =>
        emit({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra }),
      );
    case 'q1':
      return each((b) =>
        emit({
          auction: b.auction,
          bidder: b.bidder,
          price: (b.price * 908) / 1000,
          dateTime: b.dateTime,
          extra: b.extra,
        }),
      );
    case 'q2':
      return each((b) => {
        if (b.auction % 123 === 0) emit({ auction: b.auction, price: b.price });
      });
    case 'q5':
      return hotItems(emit);
    case 'q7':
      return highestBid(emit);
    case 'q8':
      return newUsers(emit);
  }
}
