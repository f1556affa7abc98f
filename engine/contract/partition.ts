/**
 * Which of `n` instances gets a key. FNV-1a over the key's UTF-16 code units; null keys go to
 * instance 0. The same key always goes to the same instance, which is what keeps per-key order
 * with parallelism > 1 (SPEC §3).
 */
export function partitionOf(key: string | null, n: number): number {
  if (key === null) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % n;
}
