import { describe, expect, it } from 'vitest';
import { loadGraph, parseGraph } from '../../../../engine/graph/loadGraph.js';
import { saveGraph } from '../../../../engine/graph/saveGraph.js';
import { pipeline } from './fixtureRegistry.js';

const text = (value: unknown): string => JSON.stringify(value, null, 2);

describe('loadGraph', () => {
  it('loads a current graph unchanged and reports no migration', () => {
    const result = loadGraph(text(pipeline()));
    expect(result).toEqual({ ok: true, graph: pipeline(), migratedFrom: null });
  });

  it('says where malformed JSON breaks, by line and column', () => {
    const result = loadGraph('{\n  "format": "sluice/graph",\n  "version": 1,\n  "nodes": [,]\n}');
    expect(result).toEqual({ ok: false, error: "not JSON: expected a value but found ',' at line 4, column 13" });
  });

  it('names a trailing comma as such', () => {
    const result = loadGraph('{"format": "sluice/graph",\n"version": 1,\n}');
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toBe("not JSON: a trailing comma before '}' is not allowed in JSON at line 3, column 1");
  });

  it('says a truncated file ends too early', () => {
    const result = loadGraph('{"format": "sluice/graph", "nodes": [');
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toMatch(/^not JSON: expected a value but found end of file at line 1, column 38$/);
  });

  it('refuses an empty file with a sentence, not a parser message', () => {
    expect(loadGraph('  \n')).toEqual({ ok: false, error: 'not JSON: the file is empty' });
  });

  it('ignores a leading byte order mark', () => {
    const result = loadGraph(`\uFEFF${text(pipeline())}`);
    expect(result.ok).toBe(true);
  });

  it('refuses JSON that is not an object', () => {
    expect(loadGraph('[1, 2]')).toEqual({
      ok: false,
      error: 'not a Sluice graph (expected a JSON object, got a list)',
    });
    expect(loadGraph('42')).toEqual({ ok: false, error: 'not a Sluice graph (expected a JSON object, got a number)' });
  });

  it('refuses an object without a format', () => {
    expect(loadGraph('{"name": "x", "nodes": []}')).toEqual({
      ok: false,
      error: 'not a Sluice graph (format is missing)',
    });
  });

  it('refuses another format, naming both', () => {
    const result = loadGraph('{"format": "excalidraw", "version": 2}');
    expect(result).toEqual({
      ok: false,
      error: 'not a Sluice graph (format is "excalidraw", expected "sluice/graph")',
    });
  });

  it('refuses a file made by a newer Sluice', () => {
    const result = loadGraph(text({ ...pipeline(), version: 3 }));
    expect(result).toEqual({ ok: false, error: 'made by a newer Sluice: version 3, this program reads up to 1' });
  });

  it('refuses a missing or non-integer version', () => {
    const { version: _v, ...noVersion } = pipeline();
    expect(loadGraph(text(noVersion))).toEqual({ ok: false, error: 'not a Sluice graph (version is missing)' });
    expect(loadGraph(text({ ...pipeline(), version: '1' }))).toEqual({
      ok: false,
      error: 'not a Sluice graph (version must be a whole number, not "1")',
    });
  });

  it('refuses nodes or edges that are not lists', () => {
    expect(loadGraph(text({ ...pipeline(), nodes: {} }))).toEqual({
      ok: false,
      error: 'nodes must be a list, not an object',
    });
    expect(loadGraph(text({ ...pipeline(), edges: 'e1' }))).toEqual({
      ok: false,
      error: 'edges must be a list, not a string',
    });
    const { edges: _e, ...noEdges } = pipeline();
    expect(loadGraph(text(noEdges))).toEqual({
      ok: false,
      error: 'edges is missing (it must be a list, possibly empty)',
    });
  });

  it('refuses a node that is not an object, naming its position', () => {
    const g = pipeline();
    const result = loadGraph(text({ ...g, nodes: [g.nodes[0], 'double'] }));
    expect(result).toEqual({ ok: false, error: 'node #2 in nodes must be an object, not a string' });
  });

  it('refuses settings that are not an object', () => {
    expect(loadGraph(text({ ...pipeline(), settings: [] }))).toEqual({
      ok: false,
      error: 'settings must be an object, not a list',
    });
  });

  it('loads finer problems (missing ids, unknown types) so validate can report them', () => {
    const g = pipeline();
    const result = loadGraph(text({ ...g, nodes: [{ type: 'nope' }] }));
    expect(result.ok).toBe(true);
  });

  it('keeps unknown keys at every level', () => {
    const g = pipeline();
    const withExtras = {
      ...g,
      viewport: { zoom: 2 },
      settings: { ...g.settings, theme: 'dark' },
      nodes: [{ ...g.nodes[0]!, color: 'red' }, ...g.nodes.slice(1)],
      edges: [{ ...g.edges[0]!, note: 'hot path' }, g.edges[1]!],
    };
    const result = loadGraph(text(withExtras));
    expect(result.ok && result.graph).toEqual(withExtras);
  });

  it('drops prototype-polluting keys anywhere and leaves Object.prototype untouched', () => {
    const hostile = `{
      "format": "sluice/graph", "version": 1, "name": "x",
      "__proto__": { "polluted": true },
      "constructor": { "prototype": { "polluted": true } },
      "settings": { "__proto__": { "polluted": true } },
      "nodes": [ { "id": "a", "type": "map", "config": { "expression": "1", "__proto__": { "polluted": true },
                   "nested": { "prototype": 1, "constructor": 2, "ok": 3 } } } ],
      "edges": []
    }`;
    const result = loadGraph(hostile);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.hasOwn(result.graph, '__proto__')).toBe(false);
    expect(Object.hasOwn(result.graph, 'constructor')).toBe(false);
    expect(Object.getPrototypeOf(result.graph)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(result.graph.settings)).toBe(Object.prototype);
    const config = result.graph.nodes[0]!.config;
    expect(Object.getPrototypeOf(config)).toBe(Object.prototype);
    expect(config).toEqual({ expression: '1', nested: { ok: 3 } });
    // A naive merge of the loaded data into a fresh object must not reach the prototype either.
    const merged: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(result.graph)) merged[k] = v;
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  });

  it('migrates an older version and reports which', () => {
    const v0 = { format: 'sluice/graph', version: 0, name: 'old', nodes: [], edges: [] };
    expect(loadGraph(text(v0))).toEqual({
      ok: true,
      graph: { format: 'sluice/graph', version: 1, name: 'old', nodes: [], edges: [] },
      migratedFrom: 0,
    });
  });
});

describe('parseGraph', () => {
  it('copies its input, so changing the result leaves the caller’s data alone', () => {
    const input = pipeline();
    const result = parseGraph(input);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    result.graph.nodes[0]!.config.count = 99;
    expect(input.nodes[0]!.config.count).toBe(10);
  });

  it('refuses data that refers to itself instead of overflowing the stack', () => {
    const input: Record<string, unknown> = { ...pipeline() };
    input.self = input;
    expect(parseGraph(input)).toEqual({
      ok: false,
      error: 'not a Sluice graph (it refers to itself (a cycle), which JSON cannot hold)',
    });
  });

  it('drops an own __proto__ key of already-parsed data', () => {
    const input = JSON.parse(
      '{"format":"sluice/graph","version":1,"name":"x","nodes":[],"edges":[],"__proto__":{"a":1}}',
    );
    const result = parseGraph(input);
    expect(result.ok && Object.keys(result.graph)).toEqual(['format', 'version', 'name', 'nodes', 'edges']);
  });
});

describe('loadGraph and contracts', () => {
  it('keeps an edge’s contract and a node config’s contract through load and save', () => {
    const g = pipeline();
    g.edges[0]!.contract = 'orders@2';
    g.nodes[0]!.config.contract = 'orders@2';
    const loaded = loadGraph(saveGraph(g));
    expect(loaded.ok && loaded.graph.edges[0]?.contract).toBe('orders@2');
    expect(loaded.ok && loaded.graph.nodes[0]?.config.contract).toBe('orders@2');
  });
});
