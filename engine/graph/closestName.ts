/** Longer names get no hint. */
const MAX_NAME_LENGTH = 64;

/**
 * The candidate closest to a misspelt `name`, for "did you mean …?" hints, or null if none is
 * close. A candidate also matches by its last dotted segment, so "generator" finds
 * "source.generator" and "sqlite" finds "sink.sqlite". Case is ignored.
 */
export function closestName(name: string, candidates: Iterable<string>): string | null {
  // The edit distance costs length × length: a name far longer than any candidate is no typo
  // of one, and a hostile megabyte-long one would take minutes (issue 10, fault 1).
  if (name.length > MAX_NAME_LENGTH) return null;
  const wanted = name.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate.length > MAX_NAME_LENGTH) continue;
    const full = candidate.toLowerCase();
    const short = full.slice(full.lastIndexOf('.') + 1);
    const distance = Math.min(editDistance(wanted, full), editDistance(wanted, short));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // Allow about one typo per three letters; more and the hint is a guess, not a help.
  const tolerance = Math.max(1, Math.floor(wanted.length / 3));
  return bestDistance <= tolerance ? best : null;
}

/**
 * Edit distance counting insert, delete, substitute and swapping two neighbours as one edit each
 * (optimal string alignment), because "kyes" for "keys" is one slip, not two.
 */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}
