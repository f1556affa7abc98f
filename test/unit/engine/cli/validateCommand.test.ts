/**
 * `sluice validate <graph>` as a user runs it (the bundled CLI in a child process): exit 0 valid,
 * 1 problems listed, 2 unreadable (SPEC §8); one clear line per problem, never a stack trace.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linesOf, runCli } from '../../../integration/sluiceCli.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-validate-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface G {
  format: string;
  version: number;
  name: string;
  nodes: Array<{ id: string; type: string; config: Record<string, unknown> }>;
  edges: Array<{ id: string; from: { node: string; port: string }; to: { node: string; port: string } }>;
}

function graph(): G {
  return {
    format: 'sluice/graph',
    version: 1,
    name: 'Validate me',
    nodes: [
      { id: 'gen', type: 'source.generator', config: { count: 10 } },
      { id: 'double', type: 'map', config: { expression: 'value.seq * 2' } },
      { id: 'out', type: 'sink.console', config: {} },
    ],
    edges: [
      { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'double', port: 'in' } },
      { id: 'e2', from: { node: 'double', port: 'out' }, to: { node: 'out', port: 'in' } },
    ],
  };
}

function write(name: string, content: G | string): string {
  const file = path.join(dir, `${name}.sluice.json`);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

async function validate(file: string) {
  const r = await runCli(['validate', file], { timeoutMs: 20_000 });
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/internal error/);
  return { code: r.code, out: linesOf(r.stdout), err: linesOf(r.stderr) };
}

describe('sluice validate', () => {
  it('exits 0 and says so for a valid graph', async () => {
    const file = write('valid', graph());
    const r = await validate(file);
    expect(r).toEqual({ code: 0, out: [`${file}: valid (3 nodes, 2 edges)`], err: [] });
  });

  it('exits 2 with one line naming the place of the error for malformed JSON', async () => {
    const file = write('malformed', '{ "format": "sluice/graph", "version": 1, nodes: [] }');
    const r = await validate(file);
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(new RegExp(`^${file}: not JSON: .*line 1, column \\d+`));
  });

  it('exits 2 with one line for a file made by a newer Sluice', async () => {
    const g = graph();
    g.version = 99;
    const r = await validate(write('newer', g));
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/newer Sluice: version 99, this program reads up to 1/);
  });

  it('exits 2 with one line for a file that does not exist', async () => {
    const r = await validate(path.join(dir, 'nope.sluice.json'));
    expect(r).toEqual({ code: 2, out: [], err: [`${path.join(dir, 'nope.sluice.json')}: no such file`] });
  });

  it('exits 1 for an unknown node type, suggesting the closest one', async () => {
    const g = graph();
    g.nodes[1]!.type = 'mapp';
    const file = write('unknown', g);
    const r = await validate(file);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([
      `error: node double: Node "double" has an unknown type "mapp"; did you mean "map"?`,
      `${file}: 1 error`,
    ]);
  });

  it('exits 1 for an expression that does not parse, naming the node and the field', async () => {
    const g = graph();
    g.nodes[1]!.config['expression'] = 'value +* (';
    const r = await validate(write('badexpr', g));
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(2);
    expect(r.err[0]).toMatch(/^error: node double: .*"expression" is not valid as an expression/);
  });

  it('exits 1 for an edge to a node that does not exist, one line per problem', async () => {
    const g = graph();
    g.edges[1]!.to.node = 'nowhere';
    const file = write('dangling', g);
    const r = await validate(file);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`error: edge e2: Edge "e2" ends at node "nowhere", which does not exist.`);
    expect(r.err.at(-1)).toMatch(new RegExp(`^${file}: \\d+ errors?$`));
    // Warnings (a node whose output goes nowhere) go to stdout, one line each.
    for (const line of r.out) expect(line).toMatch(/^warning: (node|edge) \S+: /);
  });

  it('exits 1 for a cycle, naming the nodes on it', async () => {
    const g = graph();
    g.nodes.push({ id: 'again', type: 'map', config: { expression: 'value' } });
    g.edges.push({ id: 'e3', from: { node: 'double', port: 'out' }, to: { node: 'again', port: 'in' } });
    g.edges.push({ id: 'e4', from: { node: 'again', port: 'out' }, to: { node: 'double', port: 'in' } });
    const r = await validate(write('cycle', g));
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/^error: node \w+: .*"(double|again)" → "(double|again)" → "(double|again)" form a cycle/);
  });

  it('accepts a source file that does not exist yet (checked when the graph runs), and run then fails in one line', async () => {
    // Validation is about the graph; the file may be created before the run (SPEC §5 lists no
    // file checks). `run` names the node and the file.
    const g = graph();
    g.nodes[0] = { id: 'gen', type: 'source.file', config: { path: 'missing.jsonl', format: 'jsonl' } };
    const file = write('missing-source', g);
    expect((await validate(file)).code).toBe(0);
    const r = await runCli(['run', file, '--state', path.join(dir, 'missing.db')], { timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    expect(linesOf(r.stderr)).toEqual([`run failed: node "gen": file not found: ${path.join(dir, 'missing.jsonl')}`]);
  });
});

describe('sluice validate with contracts', () => {
  it('checks the graph’s contracts against its schemas/ folder and reports broken schema files', async () => {
    const project = path.join(dir, 'with-contracts');
    fs.mkdirSync(path.join(project, 'schemas'), { recursive: true });
    const schema = { type: 'object', properties: { seq: { type: 'integer' } } };
    fs.writeFileSync(path.join(project, 'schemas', 'orders@1.schema.json'), JSON.stringify(schema));
    const g = graph();
    g.nodes[0]!.config['contract'] = 'orders@1';
    g.nodes[1]!.config['expression'] = 'value.sq * 2';
    const file = path.join(project, 'contracts.sluice.json');
    fs.writeFileSync(file, JSON.stringify(g));
    const ok = await validate(file);
    expect(ok.code).toBe(0);
    expect(ok.out).toEqual([
      'warning: node double: Node "double": value.sq reads field "sq", which contract orders@1 does not have (did you mean "seq"?).',
      `${file}: valid (3 nodes, 2 edges)`,
    ]);
    g.nodes[2]!.config['contract'] = 'orders@2';
    fs.writeFileSync(file, JSON.stringify(g));
    fs.writeFileSync(path.join(project, 'schemas', 'orders@2.schema.json'), '{ "type": 7 }');
    const bad = await validate(file);
    expect(bad.code).toBe(1);
    expect(bad.err).toEqual([
      `${path.join(project, 'schemas', 'orders@2.schema.json')}:1:11: error: not valid JSON Schema 2020-12: "type" at /type must be one of "array", "boolean", "integer", "null", "number", "object", "string", not 7`,
      'error: node out: Node "out": there is no orders@2; schemas/ has orders@1.',
      `${file}: 2 errors`,
    ]);
  });
});
