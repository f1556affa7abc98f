import { describe, expect, it } from 'vitest';
import type { SluiceEvent } from '../../../../../engine/contract/event.js';
import { EncodedEvent } from '../../../../../engine/contract/event.js';
import { decodeBatch, encodeBatch } from '../../../../../engine/runtime/batchCodec.js';
import { OutChannel } from '../../../../../engine/runtime/worker/OutChannel.js';

// A sink's contract checked by the producer before its events cross the thread: a batch whose
// events all passed goes marked, and the receiver admits them without decoding them.

const ev = (n: number): SluiceEvent => ({ id: `e${n}`, key: 'k', time: n, value: { n }, emittedAt: 0 });

describe('checking a receiver’s contract ahead of the thread hop', () => {
  it('marks a batch only when every event in it passed', () => {
    const sent: Array<{ ids: string[]; checked: string | undefined }> = [];
    const out = new OutChannel(
      1,
      0,
      100,
      (events, _wm, checked) => sent.push({ ids: events.map((e) => e.id), checked }),
      () => undefined,
      true,
    );
    out.checkedAgainst = 'totals@1';
    out.push(ev(1));
    out.push(ev(2));
    out.flush();
    out.pushUnchecked(ev(3));
    out.push(ev(4));
    out.flush();
    out.push(ev(5));
    out.flush();
    expect(sent).toEqual([
      { ids: ['e1', 'e2'], checked: 'totals@1' },
      { ids: ['e3', 'e4'], checked: undefined },
      { ids: ['e5'], checked: 'totals@1' },
    ]);
  });

  it('split by credit, what is sent while a failing event waits goes unmarked (it may hold it)', () => {
    const sent: Array<{ ids: string[]; checked: string | undefined }> = [];
    const out = new OutChannel(
      1,
      0,
      2,
      (events, _wm, checked) => sent.push({ ids: events.map((e) => e.id), checked }),
      () => undefined,
    );
    out.checkedAgainst = 'totals@1';
    out.push(ev(1));
    out.push(ev(2));
    out.pushUnchecked(ev(3));
    out.flush();
    out.addCredit(2);
    out.flush();
    expect(sent).toEqual([
      { ids: ['e1', 'e2'], checked: undefined },
      { ids: ['e3'], checked: undefined },
    ]);
    out.push(ev(4));
    out.addCredit(1);
    out.flush();
    expect(sent[2]).toEqual({ ids: ['e4'], checked: 'totals@1' });
  });

  it('a channel that does not check ahead never marks', () => {
    const marks: Array<string | undefined> = [];
    const out = new OutChannel(
      1,
      0,
      10,
      (_e, _wm, checked) => marks.push(checked),
      () => undefined,
    );
    out.push(ev(1));
    out.flush();
    expect(marks).toEqual([undefined]);
  });

  it('the mark travels with the batch onto every decoded event', () => {
    const batch = encodeBatch([ev(1), ev(2)]);
    batch.c = 'totals@1';
    const events = decodeBatch(batch) as EncodedEvent[];
    expect(events.map((e) => e.checkedAgainst)).toEqual(['totals@1', 'totals@1']);
    expect(events[0]!.json).toBe('{"n":1}');
    const unmarked = decodeBatch(encodeBatch([ev(3)])) as EncodedEvent[];
    expect(unmarked[0]!.checkedAgainst).toBeUndefined();
  });
});
