/**
 * `sluice schema check <graph|folder>` as a user (or CI) runs it: the bundled CLI in a child
 * process. Exit 0 compatible, 1 incompatible with one line per break, 2 unreadable.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linesOf, runCli } from '../../../integration/sluiceCli.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-schema-check-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** A fresh project folder: a graph file and its schemas/ folder with `files`. */
function project(files: Record<string, unknown>): { root: string; graph: string; schemas: string } {
  const root = path.join(dir, `p${++n}`);
  const schemas = path.join(root, 'schemas');
  fs.mkdirSync(schemas, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(
      path.join(schemas, name),
      typeof content === 'string' ? content : JSON.stringify(content, null, 2),
    );
  }
  const graph = path.join(root, 'orders.sluice.json');
  fs.writeFileSync(graph, JSON.stringify({ format: 'sluice/graph', version: 1, name: 'Orders', nodes: [], edges: [] }));
  return { root, graph, schemas };
}

async function check(target: string) {
  const r = await runCli(['schema', 'check', target], { timeoutMs: 20_000 });
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/internal error/);
  return { code: r.code, out: linesOf(r.stdout), err: linesOf(r.stderr) };
}

const v1 = { type: 'object', properties: { seq: { type: 'integer' }, amount: { type: 'number' } }, required: ['seq'] };

describe('sluice schema check', () => {
  it('exits 0 and lists the contracts when every version keeps its mode', async () => {
    const p = project({
      'orders@1.schema.json': v1,
      'orders@2.schema.json': { ...v1, required: ['seq', 'amount'], 'x-sluice': { compatibility: 'FORWARD' } },
      'customers@1.schema.json': { type: 'object' },
    });
    for (const target of [p.graph, p.schemas, p.root]) {
      expect(await check(target)).toEqual({
        code: 0,
        out: [`${p.schemas}: compatible (customers@1 (BACKWARD), orders@1–2 (FORWARD))`],
        err: [],
      });
    }
  });

  it('exits 1 naming each break on its own line', async () => {
    const p = project({
      'orders@1.schema.json': v1,
      'orders@2.schema.json': {
        ...v1,
        properties: { ...v1.properties, seq: { type: 'string' } },
        required: ['seq', 'amount'],
        'x-sluice': { compatibility: 'FULL' },
      },
    });
    const file = path.join(p.schemas, 'orders@2.schema.json');
    expect(await check(p.graph)).toEqual({
      code: 1,
      out: [],
      err: [
        `${file}: orders@2 is not FULL compatible with orders@1: field \`amount\` became required: a consumer on v2 cannot read v1 events`,
        `${file}: orders@2 is not FULL compatible with orders@1: field \`seq\` changed type from integer to string: a consumer on v2 cannot read v1 events`,
        `${file}: orders@2 is not FULL compatible with orders@1: field \`seq\` changed type from string to integer: a consumer on v1 cannot read v2 events`,
        `${p.schemas}: 3 incompatible changes`,
      ],
    });
  });

  it('exits 2 for a schema that is not valid JSON Schema, naming its file and line', async () => {
    const p = project({
      'orders@1.schema.json': v1,
      'orders@2.schema.json': '{\n  "type": "object",\n  "properties": { "seq": { "type": "int" } }\n}\n',
    });
    const r = await check(p.schemas);
    expect(r.code).toBe(2);
    expect(r.err).toEqual([
      `${path.join(p.schemas, 'orders@2.schema.json')}:3:36: error: not valid JSON Schema 2020-12: "type" at /properties/seq/type must be one of "array", "boolean", "integer", "null", "number", "object", "string", not "int"`,
      `${p.schemas}: 1 schema problem; fix it to check every version`,
    ]);
  });

  it('exits 2 for a path that does not exist, a folder without schemas, and a graph without schemas/', async () => {
    expect(await check(path.join(dir, 'missing'))).toEqual({
      code: 2,
      out: [],
      err: [`${path.join(dir, 'missing')}: no such file or folder`],
    });
    const empty = project({});
    expect(await check(empty.schemas)).toEqual({
      code: 2,
      out: [],
      err: [`${empty.schemas}: no *.schema.json files to check`],
    });
    fs.rmSync(empty.schemas, { recursive: true });
    expect((await check(empty.graph)).err).toEqual([
      `${empty.schemas}: no such folder (a graph's schemas live in schemas/ beside it)`,
    ]);
  });

  it('prints warnings without failing, and refuses a usage without a target', async () => {
    const p = project({ 'orders@1.schema.json': { type: 'object', requried: ['seq'] } });
    const r = await check(p.schemas);
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe(`${path.join(p.schemas, 'orders@1.schema.json')}:3:3: warning: unknown keyword: "requried"`);
    const usage = await runCli(['schema', 'check'], { timeoutMs: 20_000 });
    expect(usage.code).toBe(2);
    expect(linesOf(usage.stderr)[0]).toBe('sluice schema check needs a graph file or a schemas folder');
  });
});
