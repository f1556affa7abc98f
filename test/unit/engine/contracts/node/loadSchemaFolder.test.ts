import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSchemaText, loadSchemaFolder } from '../../../../../engine/contracts/node/loadSchemaFolder.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-schemas-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, content: unknown): void =>
  fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));

describe('loadSchemaFolder', () => {
  it('loads every version, ordered, with its settings', () => {
    write('orders@2.schema.json', { type: 'object', 'x-sluice': { compatibility: 'FULL', upcast: 'value' } });
    write('orders@1.schema.json', { type: 'object' });
    write('customers@1.schema.json', true);
    write('README.md', 'not a schema');
    const loaded = loadSchemaFolder(dir);
    expect(loaded.found).toBe(true);
    expect(loaded.problems).toEqual([]);
    expect(loaded.schemas.map((s) => [s.ref, s.compatibility, s.upcast ?? null])).toEqual([
      ['customers@1', 'BACKWARD', null],
      ['orders@1', 'BACKWARD', null],
      ['orders@2', 'FULL', 'value'],
    ]);
  });

  it('says a folder that does not exist has no schemas, without a problem', () => {
    expect(loadSchemaFolder(path.join(dir, 'nope'))).toEqual({
      folder: path.join(dir, 'nope'),
      found: false,
      schemas: [],
      problems: [],
    });
  });

  it('refuses a schema that is not valid JSON Schema 2020-12, naming its file and line', () => {
    write(
      'orders@1.schema.json',
      '{\n  "type": "object",\n  "properties": {\n    "amount": { "type": "numbr" }\n  }\n}\n',
    );
    const loaded = loadSchemaFolder(dir);
    expect(loaded.schemas).toEqual([]);
    expect(loaded.problems).toEqual([
      {
        severity: 'error',
        file: 'orders@1.schema.json',
        line: 4,
        column: 25,
        message:
          'not valid JSON Schema 2020-12: "type" at /properties/amount/type must be one of "array", "boolean", "integer", "null", "number", "object", "string", not "numbr"',
      },
    ]);
  });

  it('reports a negative bound and a wrong keyword type with their lines', () => {
    const r = checkSchemaText('o@1.schema.json', '{\n  "minLength": -1,\n  "required": "id"\n}');
    expect(r.schema).toBeNull();
    expect(r.problems.map((p) => [p.line, p.message])).toEqual([
      [2, 'not valid JSON Schema 2020-12: "minLength" at /minLength must be >= 0, not -1'],
      [3, 'not valid JSON Schema 2020-12: "required" at /required must be array, not "id"'],
    ]);
  });

  it('refuses what only compiling finds: a $ref to nowhere, an unknown format, a broken pattern', () => {
    const ref = checkSchemaText('o@1.schema.json', '{\n  "properties": { "a": { "$ref": "#/$defs/money" } }\n}');
    expect(ref.problems).toEqual([
      {
        severity: 'error',
        file: 'o@1.schema.json',
        line: 2,
        column: 34,
        message: expect.stringMatching(/^cannot be compiled: can't resolve reference #\/\$defs\/money/),
      },
    ]);
    const format = checkSchemaText(
      'o@1.schema.json',
      '{\n  "properties": {\n    "at": { "type": "string", "format": "date-tim" }\n  }\n}',
    );
    expect(format.problems[0]).toMatchObject({ severity: 'error', line: 3 });
    expect(format.problems[0]?.message).toContain('unknown format "date-tim"');
    const pattern = checkSchemaText('o@1.schema.json', '{ "pattern": "(" }');
    expect(pattern.problems[0]?.message).toMatch(/^cannot be compiled: Invalid regular expression/);
  });

  it('warns of a keyword JSON Schema does not have, such as a misspelt required', () => {
    const r = checkSchemaText('o@1.schema.json', '{\n  "type": "object",\n  "requried": ["id"]\n}');
    expect(r.schema).not.toBeNull();
    expect(r.problems).toEqual([
      { severity: 'warning', file: 'o@1.schema.json', line: 3, column: 3, message: 'unknown keyword: "requried"' },
    ]);
  });

  it('keeps the good schemas of a folder with a bad one, and warns of a .json file that is not a schema', () => {
    write('orders@1.schema.json', { type: 'object' });
    write('orders@2.schema.json', '{ nope');
    write('orders.json', {});
    const loaded = loadSchemaFolder(dir);
    expect(loaded.schemas.map((s) => s.ref)).toEqual(['orders@1']);
    expect(loaded.problems.map((p) => [p.file, p.severity])).toEqual([
      ['orders.json', 'warning'],
      ['orders@2.schema.json', 'error'],
    ]);
  });

  it('lets two schemas share an $id (each compiles on its own)', () => {
    write('a@1.schema.json', { $id: 'https://example.com/a', type: 'object' });
    write('a@2.schema.json', { $id: 'https://example.com/a', type: 'object' });
    expect(loadSchemaFolder(dir).problems).toEqual([]);
  });
});
