import { describe, expect, it } from 'vitest';
import type { FieldSchema, NodeDescriptor } from '../../../../engine/contract/descriptor.js';
import { NODE_CATEGORIES } from '../../../../engine/contract/descriptor.js';
import { NODE_TYPES, getDescriptor, nodeRegistry } from '../../../../engine/nodes/registry.js';
import { FakeContext, withDefaults } from './harness.js';

const CATALOG_V1 = [
  'source.generator',
  'source.file',
  'map',
  'filter',
  'keyBy',
  'function',
  'router',
  'aggregate',
  'window',
  'dedupe',
  'throttle',
  'batch',
  'topic',
  'sink.file',
  'sink.sqlite',
  'sink.console',
  // Added by the live-runs issue: plots a numeric expression in the app.
  'sink.chart',
  // Added by the desktop issue: notifications (desktop, terminal, browser).
  'sink.notify',
  // Added by the speed issue: the Nexmark benchmark's source and blackhole sink.
  'source.nexmark',
  'sink.discard',
  // Added by the event-time issue (SPEC §12).
  'reorder',
  'join',
  // Added by the connectors issue (SPEC §10, catalog version 2).
  'source.nats',
  'sink.nats',
  'sink.postgres',
  'source.redis',
  'sink.redis',
];

/** Why a default does not fit its own field schema, or null. */
function defaultProblem(field: FieldSchema): string | null {
  const d = field.default;
  if (d === undefined) return null;
  switch (field.kind) {
    case 'number':
      if (typeof d !== 'number') return 'not a number';
      if (field.min !== undefined && d < field.min) return 'below min';
      if (field.max !== undefined && d > field.max) return 'above max';
      if (field.integer && !Number.isInteger(d)) return 'not an integer';
      return null;
    case 'enum':
      return typeof d === 'string' && field.values.includes(d) ? null : 'not one of the values';
    case 'boolean':
      return typeof d === 'boolean' ? null : 'not a boolean';
    case 'stringList':
      return Array.isArray(d) && d.every((x) => typeof x === 'string') ? null : 'not a list of strings';
    case 'list':
      return Array.isArray(d) ? null : 'not a list';
    default:
      return typeof d === 'string' ? null : 'not a string';
  }
}

/** The smallest valid config of each type that needs more than defaults. */
const MINIMAL: Record<string, Record<string, unknown>> = {
  'source.file': { path: 'in.jsonl' },
  map: { expression: 'value' },
  filter: { predicate: 'true' },
  keyBy: { key: 'value' },
  router: { routes: [{ port: 'a', predicate: 'true' }] },
  throttle: { ratePerSec: 10 },
  topic: { name: 't' },
  'sink.file': { path: 'out.jsonl' },
  'sink.sqlite': { table: 't' },
  'source.nats': { url: 'nats://127.0.0.1:4222', stream: 'S' },
  'sink.nats': { url: 'nats://127.0.0.1:4222', subject: 's' },
  'sink.postgres': { url: 'postgres://127.0.0.1:5432/test', table: 't' },
  'source.redis': { url: 'redis://127.0.0.1:6379', stream: 's' },
  'sink.redis': { url: 'redis://127.0.0.1:6379', stream: 's' },
};

describe('node registry', () => {
  it('registers every catalog v1 type exactly once', () => {
    expect(NODE_TYPES.map((d) => d.type).sort()).toEqual([...CATALOG_V1].sort());
    expect(nodeRegistry.size).toBe(CATALOG_V1.length);
    for (const type of CATALOG_V1) expect(getDescriptor(type)?.type).toBe(type);
    expect(getDescriptor('nope')).toBeUndefined();
  });

  it.each(NODE_TYPES.map((d) => [d.type, d] as [string, NodeDescriptor]))(
    '%s: defaults satisfy its own schema and every field is documented',
    (_t, d) => {
      expect(d.title).not.toBe('');
      expect(d.doc.length).toBeGreaterThan(20);
      expect(NODE_CATEGORIES).toContain(d.category);
      for (const [name, field] of Object.entries(d.config)) {
        expect(field.label, name).not.toBe('');
        expect(field.doc.length, name).toBeGreaterThan(5);
        expect(defaultProblem(field), name).toBeNull();
        if (field.kind === 'list')
          for (const item of Object.values(field.item)) expect(defaultProblem(item)).toBeNull();
      }
    },
  );

  it.each(NODE_TYPES.map((d) => [d.type, d] as [string, NodeDescriptor]))(
    '%s: ports are unique and user code means an error port',
    (_t, d) => {
      const ports = d.ports(withDefaults(d, MINIMAL[d.type] ?? {}));
      const all = [...ports.inputs, ...ports.outputs];
      expect(new Set(all).size).toBe(all.length);
      expect(ports.outputs.includes('error')).toBe(d.runsUserCode);
      if (d.category === 'source') {
        expect(ports.inputs).toEqual([]);
        expect(d.maxParallelism).toBe(1);
      } else if (d.type === 'join') {
        // The first node with two inputs (SPEC §12).
        expect(ports.inputs).toEqual(['left', 'right']);
      } else {
        expect(ports.inputs).toEqual(['in']);
      }
    },
  );

  it.each(NODE_TYPES.map((d) => [d.type, d] as [string, NodeDescriptor]))(
    '%s: a minimal config passes check and creates an operator',
    (_t, d) => {
      const config = withDefaults(d, MINIMAL[d.type] ?? {});
      expect((d.check?.(config) ?? []).filter((p) => p.severity !== 'warning')).toEqual([]);
      const ctx = new FakeContext(config);
      ctx.io.files.set('/graphs/in.jsonl', '');
      const op = d.create(ctx);
      expect(op.kind === 'source').toBe(d.category === 'source');
    },
  );
});
