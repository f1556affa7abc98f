/**
 * Which live member should own each partition (issue 15): a deterministic rule over the set of
 * live members, so every member computes the same answer from the same view of the group, and
 * no coordinator has to hand assignments out.
 *
 * Balanced rendezvous hashing:
 * 1. Each partition ranks the members by a hash of (member id, partition): highest first.
 * 2. Partitions are taken in order 0..P-1; each goes to the highest-ranked member that has
 *    fewer than ceil(P / N) partitions so far.
 *
 * Step 1 makes the rule sticky: a member joining or leaving moves few partitions that do not
 * have to move (plain `p % N` over sorted ids moves most of them). Step 2 keeps it balanced: no
 * member ever gets more than ceil(P / N).
 */
export function assignPartitions(members: readonly string[], partitions: number): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const ids = [...new Set(members)].sort();
  for (const m of ids) out.set(m, []);
  if (ids.length === 0) return out;
  const cap = Math.ceil(partitions / ids.length);
  for (let p = 0; p < partitions; p++) {
    const ranked = ids
      .map((m) => ({ m, score: rendezvousScore(m, p) }))
      .sort((a, b) => b.score - a.score || (a.m < b.m ? -1 : 1));
    for (const { m } of ranked) {
      const mine = out.get(m)!;
      if (mine.length < cap) {
        mine.push(p);
        break;
      }
    }
  }
  return out;
}

/** FNV-1a over "member/partition", then a final avalanche so close ids spread. */
function rendezvousScore(member: string, partition: number): number {
  const s = `${member}/${partition}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
