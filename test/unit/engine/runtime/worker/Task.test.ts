import { describe, expect, it } from 'vitest';
import type { InstanceHost } from '../../../../../engine/runtime/worker/InstanceHost.js';
import { OutChannel } from '../../../../../engine/runtime/worker/OutChannel.js';
import { Task } from '../../../../../engine/runtime/worker/Task.js';

const root = { source: null, plan: { config: {} } } as unknown as InstanceHost;
const ev = (i: number) => ({ id: String(i), key: null, time: i, value: i, emittedAt: 0 });

/** An out channel of capacity 8 whose credit is down to `credit`; `hop`: it crosses a thread. */
function channel(hop: boolean, credit: number): OutChannel {
  const out = new OutChannel(
    0,
    0,
    8,
    () => undefined,
    () => undefined,
    hop,
  );
  for (let i = 0; i < 8 - credit; i++) out.push(ev(i));
  out.flush();
  return out;
}

describe('Task', () => {
  it('takes a turn on whatever credit a same-thread output has left', () => {
    expect(new Task(0, root, [], [], [channel(false, 3)]).budget(1024)).toBe(3);
    expect(new Task(0, root, [], [], [channel(false, 0)]).budget(1024)).toBe(0);
  });

  it('waits for half the capacity of credit on an output across threads, so batches stay whole', () => {
    expect(new Task(0, root, [], [], [channel(true, 3)]).budget(1024)).toBe(0);
    expect(new Task(0, root, [], [], [channel(true, 4)]).budget(1024)).toBe(4);
    expect(new Task(0, root, [], [], [channel(true, 4)]).budget(3)).toBe(3);
  });

  it('fills at most half the capacity of an output across threads in one turn, so two batches are in flight', () => {
    expect(new Task(0, root, [], [], [channel(true, 8)]).budget(1024)).toBe(4);
    const out = channel(true, 8);
    out.push(ev(0));
    out.push(ev(1));
    expect(new Task(0, root, [], [], [out]).budget(1024)).toBe(0); // 2 left of the turn's 4: under minRoom
    out.flush();
    expect(out.credit).toBe(6);
    expect(new Task(0, root, [], [], [out]).budget(1024)).toBe(4);
  });

  it('is bounded by the output with the least room', () => {
    expect(new Task(0, root, [], [], [channel(true, 6), channel(false, 2)]).budget(1024)).toBe(2);
  });
});
