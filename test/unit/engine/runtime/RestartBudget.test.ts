import { describe, expect, it } from 'vitest';
import { DEFAULT_RESTART_LIMITS, RestartBudget } from '../../../../engine/runtime/RestartBudget.js';

/** A clock the test moves by hand. */
function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('RestartBudget', () => {
  it('allows as many restarts as its limit within the window, then refuses', () => {
    const c = clock();
    const b = new RestartBudget({ restarts: 3, windowMs: 60_000 }, c.now);
    expect([b.take(), b.take(), b.take()]).toEqual([true, true, true]);
    c.advance(59_000);
    expect(b.take()).toBe(false);
    expect(b.total).toBe(3);
  });

  it('refills as old restarts leave the window, however many were taken over the run', () => {
    const c = clock();
    const b = new RestartBudget({ restarts: 2, windowMs: 10_000 }, c.now);
    for (let i = 0; i < 20; i++) {
      expect(b.take()).toBe(true);
      c.advance(6_000);
    }
    expect(b.total).toBe(20);
    expect(b.used).toBe(1);
  });

  it('counts a restart exactly one window old as gone', () => {
    const c = clock();
    const b = new RestartBudget({ restarts: 1, windowMs: 1000 }, c.now);
    expect(b.take()).toBe(true);
    c.advance(999);
    expect(b.take()).toBe(false);
    c.advance(1);
    expect(b.take()).toBe(true);
  });

  it('doubles the backoff with each restart within the window, up to 5 s', () => {
    const c = clock();
    const b = new RestartBudget({ restarts: 10, windowMs: 60_000 }, c.now);
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      b.take();
      waits.push(b.backoffMs());
    }
    expect(waits).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
    c.advance(60_000);
    b.take();
    expect(b.backoffMs()).toBe(200);
  });

  it('describes its limits for the reason a run gave up', () => {
    expect(new RestartBudget().describe()).toBe('3 restarts within 10 min');
    expect(DEFAULT_RESTART_LIMITS).toEqual({ restarts: 3, windowMs: 600_000 });
    expect(new RestartBudget({ restarts: 1, windowMs: 1500 }).describe()).toBe('1 restart within 1.5 s');
    expect(new RestartBudget({ restarts: 2, windowMs: 60_000 }).describe()).toBe('2 restarts within 60 s');
  });
});
