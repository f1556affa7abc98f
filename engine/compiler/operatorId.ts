/**
 * Operator ids and config hashes. The operator id depends only on the node's id and type, so a
 * checkpoint still maps to the node after it is moved, relabelled or rewired; the config hash
 * says whether its state may still mean the same thing.
 */

/** FNV-1a 32-bit over a string, hex. Stable across platforms and versions. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** One id per node; its parallel instances are told apart by their index. */
export function operatorIdOf(nodeId: string, type: string): string {
  return fnv1a(`${nodeId}\u0000${type}`);
}

/** Canonical JSON (sorted keys) so the hash ignores key order. */
export function configHashOf(config: unknown): string {
  return fnv1a(canonicalJson(config));
}

function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(v as Record<string, unknown>).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
}
