import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { NodeDescriptor } from '../../../engine/contract/descriptor.js';
import type { GraphFile } from '../../../engine/contract/graphFile.js';
import { graphHasCode } from '../../../engine/graph/graphHasCode.js';
import { loadGraph } from '../../../engine/graph/loadGraph.js';
import { saveGraph } from '../../../engine/graph/saveGraph.js';
import { validate } from '../../../engine/graph/validate.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const examplesDir = join(root, 'assets/examples');
const registryPath = join(root, 'engine/nodes/registry.ts');

interface IndexEntry {
  id: string;
  file: string;
  name: string;
  description: string;
}

const index = JSON.parse(readFileSync(join(examplesDir, 'index.json'), 'utf8')) as IndexEntry[];
const files = readdirSync(examplesDir).filter((f) => f.endsWith('.sluice.json'));

function load(file: string): GraphFile {
  const result = loadGraph(readFileSync(join(examplesDir, file), 'utf8'));
  if (!result.ok) throw new Error(`${file}: ${result.error}`);
  return result.graph;
}

describe('example graphs', () => {
  it('are all listed in index.json, once each, with slug ids', () => {
    expect(index.map((e) => e.file).sort()).toEqual([...files].sort());
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const entry of index) expect(entry.file).toBe(`${entry.id}.sluice.json`);
    expect(new Set(index.map((e) => e.id)).size).toBe(index.length);
  });

  it.each(index)('$file loads as a current graph whose name and description match the index', (entry) => {
    const result = loadGraph(readFileSync(join(examplesDir, entry.file), 'utf8'));
    expect(result.ok && result.migratedFrom).toBeNull();
    const graph = load(entry.file);
    expect(graph.name).toBe(entry.name);
    expect(graph.description).toBe(entry.description);
    expect(entry.description.length).toBeGreaterThan(40);
  });

  it.each(index)('$file is stored exactly as saveGraph writes it', (entry) => {
    const text = readFileSync(join(examplesDir, entry.file), 'utf8');
    expect(saveGraph(load(entry.file))).toBe(text);
  });

  it.each(index)('$file is laid out left to right, about 250 px per step', (entry) => {
    const graph = load(entry.file);
    const x = new Map(graph.nodes.map((n) => [n.id, n.position?.x]));
    for (const node of graph.nodes) expect(node.position, node.id).toBeDefined();
    for (const edge of graph.edges) {
      const step = x.get(edge.to.node)! - x.get(edge.from.node)!;
      // A step may be wider where a label on the edge needs the room (a source's lag).
      expect(step, edge.id).toBeGreaterThanOrEqual(200);
      expect(step % 50, edge.id).toBe(0);
    }
  });

  it.each(index)(
    '$file uses relative paths: outputs under out/, inputs that exist or another example writes',
    (entry) => {
      const graph = load(entry.file);
      // An input under out/ is another template's output (the CQRS projection reads the event log).
      const written = new Set(
        index.flatMap((e) =>
          load(e.file)
            .nodes.filter((n) => n.type.startsWith('sink.'))
            .map((n) => n.config.path),
        ),
      );
      for (const node of graph.nodes) {
        const path = node.config.path;
        if (typeof path !== 'string') continue;
        // source.http's `path` is the request path it answers, not a file.
        if (node.type === 'source.http') continue;
        expect(path.startsWith('/') || path.includes('..'), `${node.id}: ${path}`).toBe(false);
        if (node.type.startsWith('sink.')) expect(path.startsWith('out/'), `${node.id}: ${path}`).toBe(true);
        else expect(existsSync(join(examplesDir, path)) || written.has(path), `${node.id}: ${path}`).toBe(true);
      }
    },
  );

  it('ship an orders CSV of about 50 rows with a header, repeating some order ids for upserts', () => {
    const lines = readFileSync(join(examplesDir, 'data/orders.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('order_id,customer,product,quantity,unit_price,status,created_at');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.length).toBeGreaterThanOrEqual(45);
    expect(rows.every((r) => r.length === 7)).toBe(true);
    expect(new Set(rows.map((r) => r[0])).size).toBeLessThan(rows.length);
  });
});

describe('example graphs against the real node registry', () => {
  const registry = async (): Promise<ReadonlyMap<string, NodeDescriptor>> =>
    ((await import(registryPath)) as { nodeRegistry: ReadonlyMap<string, NodeDescriptor> }).nodeRegistry;

  it('cover every node type of the catalog between them', async () => {
    const used = new Set(index.flatMap((e) => load(e.file).nodes.map((n) => n.type)));
    expect([...(await registry()).keys()].filter((t) => !used.has(t))).toEqual([]);
  });

  it.each(index)('$file validates with no problems at all', async (entry) => {
    expect(validate(load(entry.file), await registry())).toEqual([]);
  });

  it.each(index)('$file with any config value damaged still validates without throwing', async (entry) => {
    const reg = await registry();
    const graph = load(entry.file);
    for (const [i, node] of graph.nodes.entries()) {
      for (const key of Object.keys(node.config)) {
        for (const junk of [null, -1, 0.5, '', 'x', true, [], {}, [{}]]) {
          const damaged = structuredClone(graph);
          damaged.nodes[i]!.config[key] = junk;
          const problems = validate(damaged, reg);
          for (const p of problems) expect(p.message).toMatch(/^[A-Z].*[.?]$/);
        }
      }
    }
  });

  it.each(index)('$file holds code, so it asks for trust before it runs', async (entry) => {
    expect(graphHasCode(load(entry.file), await registry())).toBe(true);
  });
});
