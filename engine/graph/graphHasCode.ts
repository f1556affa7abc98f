import type { NodeDescriptor } from '../contract/descriptor.js';
import type { FieldSchema } from '../contract/descriptor.js';
import { isRecord } from './isRecord.js';

/**
 * True if any node holds user code: a non-blank `expression` or `code` config field, also inside
 * `list` items (router predicates). Such a graph asks for trust before it runs (SPEC §2).
 *
 * Accepts any data: a node of an unknown type counts as code if any of its config strings is
 * non-blank, because nothing says what it would do with them (and it cannot run anyway).
 */
export function graphHasCode(graph: unknown, registry: ReadonlyMap<string, NodeDescriptor>): boolean {
  if (!isRecord(graph) || !Array.isArray(graph.nodes)) return false;
  return graph.nodes.some((node) => {
    if (!isRecord(node) || !isRecord(node.config)) return false;
    const descriptor = typeof node.type === 'string' ? registry.get(node.type) : undefined;
    if (!descriptor) return Object.values(node.config).some((v) => typeof v === 'string' && v.trim() !== '');
    return holdsCode(node.config, descriptor.config);
  });
}

function holdsCode(config: Record<string, unknown>, schema: Readonly<Record<string, FieldSchema>>): boolean {
  return Object.entries(schema).some(([key, field]) => {
    const value = config[key];
    if (field.kind === 'expression' || field.kind === 'code') return typeof value === 'string' && value.trim() !== '';
    if (field.kind === 'list' && Array.isArray(value)) {
      return value.some((item) => isRecord(item) && holdsCode(item, field.item));
    }
    return false;
  });
}
