import { describe, expect, it } from 'vitest';
import { assignPartitions } from '../../../../engine/scaleout/assignPartitions.js';

const members = (n: number): string[] => Array.from({ length: n }, (_, i) => `host-${i}-${(i * 7919).toString(16)}`);

function ownerOf(a: Map<string, number[]>): Map<number, string> {
  const out = new Map<number, string>();
  for (const [m, ps] of a) for (const p of ps) out.set(p, m);
  return out;
}

describe('assignPartitions', () => {
  it('gives every partition to exactly one member, at most ceil(P / N) each', () => {
    for (const n of [1, 2, 3, 5, 7]) {
      for (const p of [1, 12, 64]) {
        const a = assignPartitions(members(n), p);
        const all = [...a.values()].flat().sort((x, y) => x - y);
        expect(all).toEqual(Array.from({ length: p }, (_, i) => i));
        for (const ps of a.values()) expect(ps.length).toBeLessThanOrEqual(Math.ceil(p / n));
      }
    }
  });

  it('is the same whatever order the members are listed in', () => {
    const ms = members(4);
    expect(assignPartitions(ms, 12)).toEqual(assignPartitions([...ms].reverse(), 12));
  });

  it('moves few partitions when a member joins or leaves', () => {
    const before = ownerOf(assignPartitions(members(3), 120));
    const joined = ownerOf(assignPartitions(members(4), 120));
    const moved = [...before].filter(([p, m]) => joined.get(p) !== m).length;
    // The minimum is 30 (the newcomer's share); p % N would move about 90.
    expect(moved).toBeLessThan(50);
    const left = ownerOf(assignPartitions(members(3).slice(0, 2), 120));
    const movedOnLeave = [...before].filter(([p, m]) => left.get(p) !== m).length;
    expect(movedOnLeave).toBeLessThan(60); // the minimum is 40 (the leaver's share)
  });

  it('gives nothing to nobody', () => {
    expect(assignPartitions([], 12).size).toBe(0);
  });
});
