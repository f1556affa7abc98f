/** How many files File › Open Recent lists. */
export const MAX_RECENT = 10;

/** The list with `path` moved to the front, without duplicates, at most `max` long. Pure. */
export function addRecent(list: readonly string[], path: string, max = MAX_RECENT): string[] {
  return [path, ...list.filter((p) => p !== path)].slice(0, max);
}

/** The saved list (userData/recent.json), tolerating a missing or corrupt file. Pure. */
export function parseRecent(saved: unknown, max = MAX_RECENT): string[] {
  if (!Array.isArray(saved)) return [];
  const out: string[] = [];
  for (const p of saved) if (typeof p === 'string' && p.length > 0 && !out.includes(p)) out.push(p);
  return out.slice(0, max);
}
