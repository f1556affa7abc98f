import { describe, expect, it } from 'vitest';
import type { SluiceEvent } from '../../../../engine/contract/index.js';
import type { ChannelControl } from '../../../../engine/runtime/protocol.js';
import { InChannel } from '../../../../engine/runtime/worker/InChannel.js';
import { OutChannel } from '../../../../engine/runtime/worker/OutChannel.js';

const ev = (i: number): SluiceEvent => ({ id: String(i), key: null, time: i, value: i, emittedAt: 0 });

function pair(capacity: number) {
  const log: Array<number[] | ChannelControl> = [];
  const ref: { out?: OutChannel } = {};
  const inc = new InChannel(0, 0, 'in', 0, capacity, (n) => ref.out!.addCredit(n));
  const out = (ref.out = new OutChannel(
    0,
    0,
    capacity,
    (events, wm) => {
      log.push(events.map((e) => e.value as number));
      inc.pushEvents(events);
      if (wm) {
        log.push({ ...wm, withBatch: true } as ChannelControl);
        inc.pushControl(wm);
      }
      return 0;
    },
    (c) => {
      log.push(c);
      inc.pushControl(c);
    },
  ));
  return { out, inc, log };
}

describe('channels', () => {
  it('carry a watermark with the batch before it, and keep only the newest of watermarks not separated by events', () => {
    const { out, inc, log } = pair(8);
    out.pushWatermark(1, false); // nothing before it: a message of its own
    out.push(ev(1));
    out.push(ev(2));
    out.pushWatermark(2, false);
    out.pushWatermark(3, false); // replaces 2: no event between them
    out.push(ev(3));
    out.pushWatermark(4, true);
    out.flush();
    expect(log).toEqual([
      { kind: 'watermark', time: 1, idle: false },
      [1, 2],
      { kind: 'watermark', time: 3, idle: false, withBatch: true },
      [3],
      { kind: 'watermark', time: 4, idle: true, withBatch: true },
    ]);
    // The receiver sees them in line: popped at the head, into the channel's signal.
    expect(inc.peekControl()).toEqual({ kind: 'watermark', time: 1, idle: false });
    inc.popControl();
    expect(inc.watermark).toBe(1);
    inc.consume(10, () => {});
    inc.popControl();
    expect(inc.watermark).toBe(3);
    inc.consume(10, () => {});
    inc.popControl();
    expect([inc.watermark, inc.idle]).toEqual([4, true]);
  });

  it('send no more than the credit the receiver granted, and the rest when credit returns', () => {
    const { out, inc, log } = pair(4);
    for (let i = 0; i < 10; i++) out.push(ev(i));
    out.flush();
    expect(log).toEqual([[0, 1, 2, 3]]);
    expect(out.room).toBe(-6);
    inc.consume(10, () => {});
    inc.flushCredit(true);
    out.flush();
    expect(log.at(-1)).toEqual([4, 5, 6, 7]);
  });

  it('keep a barrier after exactly the events pushed before it', () => {
    const { out, inc, log } = pair(2);
    out.push(ev(0));
    out.push(ev(1));
    out.push(ev(2));
    out.pushControl({ kind: 'barrier', checkpointId: 7 });
    out.push(ev(3));
    out.flush();
    expect(log).toEqual([[0, 1]]);
    const seen: number[] = [];
    inc.consume(10, (e) => seen.push(e.value as number));
    inc.flushCredit(true);
    out.flush();
    expect(log.slice(1)).toEqual([[2], { kind: 'barrier', checkpointId: 7 }, [3]]);
    inc.consume(10, (e) => seen.push(e.value as number));
    // The receiver stops at the barrier: event 3 waits until the task pops it.
    expect(seen).toEqual([0, 1, 2]);
    expect(inc.peekControl()).toEqual({ kind: 'barrier', checkpointId: 7 });
    inc.popControl();
    inc.consume(10, (e) => seen.push(e.value as number));
    expect(seen).toEqual([0, 1, 2, 3]);
  });

  it('mark the input ended when end-of-stream is popped', () => {
    const { out, inc } = pair(2);
    out.pushControl({ kind: 'end' });
    out.flush();
    expect(inc.ended).toBe(false);
    inc.popControl();
    expect(inc.ended).toBe(true);
  });
});

describe('credit and buffers', () => {
  it('returns credit once half the capacity is taken, before the events are processed', () => {
    const returned: number[] = [];
    const inc = new InChannel(0, 0, 'in', 0, 8, (n) => returned.push(n));
    inc.pushEvents([ev(0), ev(1), ev(2), ev(3), ev(4), ev(5)]);
    const seen: Array<[number, number[]]> = [];
    inc.consume(6, (e) => seen.push([e.value as number, [...returned]]));
    // All six left the queue at once, so their credit went back before the first was processed.
    expect(seen[0]).toEqual([0, [6]]);
    expect(inc.queued).toBe(0);
  });

  it('decodes a batch from another thread when it is taken, after its credit went back', () => {
    const returned: number[] = [];
    // Capacity 4: taking 3 (over half) pays them back at once.
    const inc = new InChannel(0, 0, 'in', 0, 4, (n) => returned.push(n));
    const decodedWith: number[][] = [];
    inc.pushEncoded(4, () => {
      decodedWith.push([...returned]);
      return [ev(0), ev(1), ev(2), ev(3)];
    });
    expect(inc.queued).toBe(4);
    expect(inc.hasEvents()).toBe(true);
    expect(decodedWith).toEqual([]);
    const seen: number[] = [];
    inc.consume(3, (e) => seen.push(e.value as number));
    expect(decodedWith).toEqual([[3]]);
    inc.consume(3, (e) => seen.push(e.value as number));
    // Decoded once; the rest of the batch came from the same decoding.
    expect(decodedWith).toHaveLength(1);
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(inc.queued).toBe(0);
  });

  it('reuses the outbox for a channel whose send encodes the batch at once', () => {
    const sent: SluiceEvent[][] = [];
    const copies: number[][] = [];
    const out = new OutChannel(
      0,
      0,
      4,
      (events) => {
        sent.push(events);
        copies.push(events.map((e) => e.value as number));
      },
      () => undefined,
      true,
    );
    out.push(ev(1));
    out.flush();
    out.addCredit(1);
    out.push(ev(2));
    out.flush();
    expect(copies).toEqual([[1], [2]]);
    expect(sent[0]).toBe(sent[1]);
  });
});
