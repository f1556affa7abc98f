/**
 * The candidate closest to a misspelt `name`, for "did you mean …?" hints, or null if none is
 * close. A candidate also matches by its last dotted segment, so "generator" finds
 * "source.generator" and "sqlite" finds "sink.sqlite". Case is ignored.
 */
export function closestName(name: string, candidates: Iterable<string>): string | null {
  const wanted = name.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
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

/** Levenshtein distance (insert, delete, substitute), two rows at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
