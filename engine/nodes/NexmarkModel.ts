import type { SluiceEvent } from '../contract/event.js';

/**
 * The Nexmark generator's settings (nexmark/nexmark `NexmarkConfiguration`, Beam's
 * `NexmarkConfiguration`), with the suite's defaults.
 */
export interface NexmarkSettings {
  seed: number;
  /** Events per second of event time (the suite's `first-event.rate`; the published runs use 10 M). */
  firstEventRate: number;
  /** Event time of event 0, ms since the epoch. */
  baseTime: number;
  personProportion: number;
  auctionProportion: number;
  bidProportion: number;
  /** 1 in hotAuctionRatio bids goes to any auction in flight, the rest to the current hot one. */
  hotAuctionRatio: number;
  hotSellersRatio: number;
  hotBiddersRatio: number;
  numInFlightAuctions: number;
  numActivePeople: number;
  /** Events emitted in a shuffled order within groups of this many (1: in order). */
  outOfOrderGroupSize: number;
}

/**
 * The suite's defaults. `baseTime` is Beam's `NexmarkUtils.BASE_TIME` (2015-07-15T00:00:00Z), so
 * event time is deterministic rather than the clock's.
 */
export const NEXMARK_DEFAULTS: Readonly<NexmarkSettings> = {
  seed: 0,
  firstEventRate: 10_000,
  baseTime: 1436918400000,
  personProportion: 1,
  auctionProportion: 3,
  bidProportion: 46,
  hotAuctionRatio: 2,
  hotSellersRatio: 4,
  hotBiddersRatio: 4,
  numInFlightAuctions: 100,
  numActivePeople: 1000,
  outOfOrderGroupSize: 1,
};
// GeneratorConfig: ids start above 0 so small runs still match the queries' constants.
const FIRST_PERSON_ID = 1000;
const FIRST_AUCTION_ID = 1000;
const FIRST_CATEGORY_ID = 10;
const NUM_CATEGORIES = 5;
/** Ids that may be used a little before the event that creates them (PERSON_ID_LEAD, AUCTION_ID_LEAD). */
const ID_LEAD = 10;
/** Hot sellers, bidders and auctions are the first of each batch of this many (HOT_*_RATIO). */
const HOT_BATCH = 100;
// The suite's average sizes in bytes; `extra` pads each record to them.
const AVG_PERSON_BYTES = 200;
const AVG_AUCTION_BYTES = 500;
const AVG_BID_BYTES = 100;
const CHANNELS = 10_000;
/** '000' … '999'. */
const SUFFIXES = Array.from({ length: 1000 }, (_, k) => String(k).padStart(3, '0'));
const PRICE_EXPONENT = 6 * Math.LN10;
const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'] as const;
const STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'] as const;
const CITIES = [
  'Phoenix',
  'Los Angeles',
  'San Francisco',
  'Boise',
  'Portland',
  'Bend',
  'Redmond',
  'Seattle',
  'Kent',
  'Cheyenne',
] as const;
const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'] as const;
/**
 * `extra` is a slice of one random text, as in the suite (REUSABLE_EXTRA_STRING, 1 MiB there):
 * 64 KiB is many times the longest slice (about 550 characters) and cheap to build per instance.
 */
const EXTRA_TEXT_LENGTH = 65_536;

/**
 * A small fast PRNG (mulberry32), reseeded per event from the seed and the event's id, as Beam
 * seeds `new Random(eventId)`: any event can be made without the ones before it, so the source
 * replays from any index.
 */
class Rng {
  private s = 0;
  /**
   * Seed from `mixedSeed` (a seed through `mix`) and a non-negative integer `b` up to 2^53 (an
   * event id). One mix per event: the generator's own output step scrambles the rest.
   */
  reseed(mixedSeed: number, b: number): void {
    this.s = mix(mixedSeed ^ (b | 0)) ^ ((b / 4294967296) | 0);
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** A 32-bit finaliser (murmur3's fmix32): nearby seeds give unrelated streams. */
function mix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) | 0;
}

/** Java's Integer.reverse, then Math.abs: the suite's channel_id. */
function reverseBits(i: number): number {
  let r = 0;
  for (let b = 0; b < 32; b++) r = (r << 1) | ((i >>> b) & 1);
  return Math.abs(r | 0);
}

/**
 * The auction model of nexmark/nexmark's generator (GeneratorConfig, PersonGenerator,
 * AuctionGenerator, BidGenerator), event by event:
 * 1. Event index i is the suite's event number; within out-of-order groups it is shuffled to the
 *    adjusted number (`(i / n) * n + (i * 953) % n`), which is the event's id and time.
 * 2. The id modulo (person + auction + bid proportions) picks the type: per 50, 1 person,
 *    3 auctions and 46 bids by default. Person and auction ids count up from 1000.
 * 3. Time is baseTime + floor(floor(id × interEventDelayUs) / 1000), interEventDelayUs being
 *    1e6 / firstEventRate: one generator's timeline.
 * 4. Sellers and bidders are hot (the first person of the latest batch of 100) except 1 in
 *    hotSellersRatio / hotBiddersRatio times, when they are any of the last numActivePeople
 *    (+10 not yet created); bids go to the hot auction except 1 in hotAuctionRatio, when to any
 *    of the last numInFlightAuctions (+10).
 * Differs from the suite in: the PRNG (mulberry32 per event, so a seed replaces Java's Random);
 * names, descriptions and `extra` cut from 64 KiB random texts (same character distribution);
 * and the bidder id, offset by 1000 once (nexmark-flink adds it twice).
 */
export class NexmarkModel {
  private readonly rng = new Rng();
  private readonly total: number;
  private readonly delayUs: number;
  /** Random letters, the source of every `extra`. */
  private readonly extraText: string;
  /** Random letters with 1 in 13 spaces, the source of names and descriptions. */
  private readonly wordText: string;
  private readonly hotUrls: string[];
  /** '' until made; filled, not holey, so a lookup stays on the fast path. */
  private readonly channelUrls: string[] = new Array<string>(CHANNELS).fill('');
  private readonly channelNames: string[] = new Array<string>(CHANNELS).fill('');
  private readonly mixedSeed: number;
  /** The key of the event `entity` made last. */
  private key = '';
  /** `idOf`'s cache: the id prefix of block `idBlock` (1000 events) for `idBlockOf`. */
  private idBlock = -1;
  private idBlockOf = '';
  private idBlockPrefix = '';

  constructor(readonly settings: NexmarkSettings) {
    const s = settings;
    this.total = s.personProportion + s.auctionProportion + s.bidProportion;
    this.delayUs = 1e6 / s.firstEventRate;
    const r = new Rng();
    this.mixedSeed = mix(s.seed);
    r.reseed(mix(s.seed ^ 0x27d4eb2f), 0);
    this.extraText = randomText(r, EXTRA_TEXT_LENGTH, '');
    this.wordText = randomText(r, EXTRA_TEXT_LENGTH, ' ');
    this.hotUrls = HOT_CHANNELS.map(() => baseUrl(r));
  }

  /** The suite's adjusted event number of index i (its id; equal to i when groups are 1). */
  eventId(i: number): number {
    const n = this.settings.outOfOrderGroupSize;
    return n <= 1 ? i : Math.floor(i / n) * n + ((i * 953) % n);
  }

  /** Event time of event number `n`. */
  timestamp(n: number): number {
    return this.settings.baseTime + Math.floor(Math.floor(n * this.delayUs) / 1000);
  }

  /** The suite's watermark after index i: no later event has an earlier time. */
  watermark(i: number): number {
    const n = Math.max(1, this.settings.outOfOrderGroupSize);
    return this.timestamp(Math.floor(i / n) * n);
  }

  /**
   * Event i as Sluice carries it: id `<idPrefix>i`, the entity as value (with `type`), its key
   * and event time. Pure: the same settings and index give the same event.
   */
  event(i: number, idPrefix = '', emittedAt = 0): SluiceEvent {
    const id = this.eventId(i);
    const time = this.timestamp(id);
    const value = this.entity(id, time);
    return { id: this.idOf(idPrefix, i), key: this.key, time, value, emittedAt };
  }

  /**
   * `idPrefix + i`, from the prefix of i's block of 1000 and a table of three-digit suffixes:
   * turning a large number into decimal once per event cost as much as a tenth of the event.
   */
  private idOf(idPrefix: string, i: number): string {
    if (i < 1000) return idPrefix + i;
    const block = Math.floor(i / 1000);
    if (block !== this.idBlock || idPrefix !== this.idBlockOf) {
      this.idBlock = block;
      this.idBlockOf = idPrefix;
      this.idBlockPrefix = idPrefix + block;
    }
    return this.idBlockPrefix + (SUFFIXES[i - block * 1000] as string);
  }

  private entity(id: number, time: number): Record<string, unknown> {
    this.rng.reseed(this.mixedSeed, id);
    const rem = id % this.total;
    const s = this.settings;
    if (rem < s.personProportion) return this.person(id, time);
    if (rem < s.personProportion + s.auctionProportion) return this.auction(id, time);
    return this.bid(id, time);
  }

  private lastPerson(id: number): number {
    const offset = id % this.total;
    const p = this.settings.personProportion;
    return Math.floor(id / this.total) * p + (offset >= p ? p - 1 : offset);
  }

  private lastAuction(id: number): number {
    const s = this.settings;
    let epoch = Math.floor(id / this.total);
    let offset = id % this.total;
    if (offset < s.personProportion) {
      epoch--;
      offset = s.auctionProportion - 1;
    } else if (offset >= s.personProportion + s.auctionProportion) offset = s.auctionProportion - 1;
    else offset -= s.personProportion;
    return epoch * s.auctionProportion + offset;
  }

  private anyPerson(id: number): number {
    const people = this.lastPerson(id) + 1;
    const active = Math.min(people, this.settings.numActivePeople);
    return people - active + this.rng.int(active + ID_LEAD);
  }

  private anyAuction(id: number): number {
    const last = this.lastAuction(id);
    const min = Math.max(last - this.settings.numInFlightAuctions, 0);
    return min + this.rng.int(last - min + 1 + ID_LEAD);
  }

  private price(): number {
    // 10^(6u) as e^(6u ln 10): the same distribution, and Math.exp is much cheaper than Math.pow.
    return Math.round(Math.exp(this.rng.next() * PRICE_EXPONENT) * 100);
  }

  private extra(currentSize: number, average: number): string {
    if (currentSize > average) return '';
    const want = average - currentSize;
    const delta = Math.round(want * 0.2);
    const size = want - delta + (delta === 0 ? 0 : this.rng.int(2 * delta));
    const at = this.rng.int(EXTRA_TEXT_LENGTH - size);
    return this.extraText.slice(at, at + size);
  }

  private person(eventId: number, time: number): Record<string, unknown> {
    const r = this.rng;
    const id = this.lastPerson(eventId) + FIRST_PERSON_ID;
    const name = FIRST_NAMES[r.int(FIRST_NAMES.length)] + ' ' + LAST_NAMES[r.int(LAST_NAMES.length)];
    const emailAddress = this.words(7) + '@' + this.words(5) + '.com';
    const card: string[] = [];
    for (let k = 0; k < 4; k++) card.push(String(r.int(10000)).padStart(4, '0'));
    const creditCard = card.join(' ');
    const city = CITIES[r.int(CITIES.length)] as string;
    const state = STATES[r.int(STATES.length)] as string;
    const size = 8 + name.length + emailAddress.length + creditCard.length + city.length + state.length;
    const extra = this.extra(size, AVG_PERSON_BYTES);
    this.key = String(id);
    return { type: 'person', id, name, emailAddress, creditCard, city, state, dateTime: time, extra };
  }

  private auction(eventId: number, time: number): Record<string, unknown> {
    const r = this.rng;
    const s = this.settings;
    const id = this.lastAuction(eventId) + FIRST_AUCTION_ID;
    const seller =
      (r.int(s.hotSellersRatio) > 0
        ? Math.floor(this.lastPerson(eventId) / HOT_BATCH) * HOT_BATCH
        : this.anyPerson(eventId)) + FIRST_PERSON_ID;
    const category = FIRST_CATEGORY_ID + r.int(NUM_CATEGORIES);
    const initialBid = this.price();
    // Auctions last on average as long as it takes to create numInFlightAuctions more.
    const ahead = Math.floor((s.numInFlightAuctions * this.total) / s.auctionProportion);
    const horizon = this.timestamp(eventId + ahead) - time;
    const expires = time + 1 + r.int(Math.max(horizon * 2, 1));
    const itemName = this.words(20);
    const description = this.words(100);
    const reserve = initialBid + this.price();
    const extra = this.extra(8 + itemName.length + description.length + 40, AVG_AUCTION_BYTES);
    this.key = String(id);
    return {
      type: 'auction',
      id,
      itemName,
      description,
      initialBid,
      reserve,
      dateTime: time,
      expires,
      seller,
      category,
      extra,
    };
  }

  private bid(eventId: number, time: number): Record<string, unknown> {
    const r = this.rng;
    const s = this.settings;
    const auction =
      (r.int(s.hotAuctionRatio) > 0
        ? Math.floor(this.lastAuction(eventId) / HOT_BATCH) * HOT_BATCH
        : this.anyAuction(eventId)) + FIRST_AUCTION_ID;
    const bidder =
      (r.int(s.hotBiddersRatio) > 0
        ? Math.floor(this.lastPerson(eventId) / HOT_BATCH) * HOT_BATCH + 1
        : this.anyPerson(eventId)) + FIRST_PERSON_ID;
    const price = this.price();
    let channel: string;
    let url: string;
    if (r.int(2) > 0) {
      const h = r.int(HOT_CHANNELS.length);
      channel = HOT_CHANNELS[h] as string;
      url = this.hotUrls[h] as string;
    } else {
      const c = r.int(CHANNELS);
      url = this.channelUrl(c);
      channel = this.channelNames[c] as string;
    }
    const extra = this.extra(32, AVG_BID_BYTES);
    this.key = String(auction);
    return { type: 'bid', auction, bidder, price, channel, url, dateTime: time, extra };
  }

  /** Channel c's URL (and name), made on first use from its own seed (the suite's CHANNEL_URL_CACHE). */
  private channelUrl(c: number): string {
    let url = this.channelUrls[c] as string;
    if (url === '') {
      const r = new Rng();
      r.reseed(mix(this.settings.seed ^ 0x5bd1e995), c);
      url = baseUrl(r);
      if (r.int(10) > 0) url += '&channel_id=' + reverseBits(c);
      this.channelUrls[c] = url;
      this.channelNames[c] = 'channel-' + c;
    }
    return url;
  }

  /**
   * StringsGenerator.nextString: 3 to maxLength-1 characters, each a letter or (1 in 13) a
   * space, trimmed. Cut from the shared random text rather than drawn one by one: the same
   * distribution at a fraction of the cost, since auctions are 6% of events but two thirds of
   * the characters drawn.
   */
  private words(maxLength: number): string {
    const len = 3 + this.rng.int(maxLength - 3);
    const at = this.rng.int(EXTRA_TEXT_LENGTH - len);
    return this.wordText.slice(at, at + len).trim();
  }
}

/** `length` random letters, with 1 in 13 `special` when it is not empty. */
function randomText(r: Rng, length: number, special: string): string {
  const chars = new Array<string>(length);
  for (let i = 0; i < length; i++)
    chars[i] = special !== '' && r.int(13) === 0 ? special : String.fromCharCode(97 + r.int(26));
  return chars.join('');
}

/** StringsGenerator.nextString, one character at a time (for the few URLs). */
function randomString(r: Rng, maxLength: number, special: string): string {
  let len = 3 + r.int(maxLength - 3);
  let out = '';
  while (len-- > 0) out += r.int(13) === 0 ? special : String.fromCharCode(97 + r.int(26));
  return out.trim();
}

function baseUrl(r: Rng): string {
  const part = (): string => randomString(r, 5, '_');
  return `https://www.nexmark.com/${part()}/${part()}/${part()}/item.htm?query=1`;
}
