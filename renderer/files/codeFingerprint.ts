import type { NodeDescriptor } from '../../engine/contract/descriptor.js';
import type { GraphFile } from '../../engine/contract/graphFile.js';

/**
 * A hash of every piece of code in a graph (expression and code fields, also inside lists such
 * as router routes), or null when the graph holds no code. Trust is given to this hash, so
 * moving nodes or renaming the graph keeps trust, while changed code asks again.
 */
export function codeFingerprint(graph: GraphFile, registry: ReadonlyMap<string, NodeDescriptor>): string | null {
  const parts: string[] = [];
  for (const node of graph.nodes) {
    const descriptor = registry.get(node.type);
    if (!descriptor || !node.config || typeof node.config !== 'object') continue;
    for (const [field, schema] of Object.entries(descriptor.config)) {
      const value = node.config[field];
      if ((schema.kind === 'expression' || schema.kind === 'code') && typeof value === 'string' && value.trim()) {
        parts.push(`${node.id}.${field}=${value}`);
      } else if (schema.kind === 'list' && Array.isArray(value)) {
        value.forEach((item, i) => {
          if (!item || typeof item !== 'object') return;
          for (const [sub, subSchema] of Object.entries(schema.item)) {
            const v = (item as Record<string, unknown>)[sub];
            if ((subSchema.kind === 'expression' || subSchema.kind === 'code') && typeof v === 'string' && v.trim()) {
              parts.push(`${node.id}.${field}[${i}].${sub}=${v}`);
            }
          }
        });
      }
    }
  }
  return parts.length ? hash(parts.join('\n')) : null;
}

/** cyrb53: a fast 53-bit string hash; collisions only matter against accidental change here. */
function hash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36) + ':' + text.length.toString(36);
}
