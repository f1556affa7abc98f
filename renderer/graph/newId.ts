/**
 * A readable id not in `taken`: `map`, `map2`, `map3`… Readable ids matter because they appear
 * in files, problems and metrics.
 */
export function newId(base: string, taken: ReadonlySet<string>): string {
  const stem = base.replace(/^.*\./, '').replace(/[^A-Za-z0-9_-]/g, '') || 'node';
  if (!taken.has(stem)) return stem;
  for (let i = 2; ; i++) {
    const id = `${stem}${i}`;
    if (!taken.has(id)) return id;
  }
}
