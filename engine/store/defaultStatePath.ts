import path from 'node:path';

/**
 * The state store a saved graph uses when none is named: `.sluice/<graph name>.db` beside the
 * graph file (SPEC §8). The name is made safe for a file name on every OS, so a graph called
 * "../../etc/x" or "CON:" cannot steer where the database goes.
 */
export function defaultStatePath(graphPath: string, graphName: string): string {
  return path.join(path.dirname(path.resolve(graphPath)), '.sluice', `${safeFileName(graphName)}.db`);
}

/** A file name made from free text: letters, digits, space, `.`, `_`, `-`; never empty or hidden. */
export function safeFileName(name: string): string {
  const cleaned = String(name)
    .normalize('NFKC')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '')
    .slice(0, 100);
  return cleaned === '' ? 'graph' : cleaned;
}
