import { describe, expect, it } from 'vitest';
import { parseSchemaFile } from '../../../../engine/graph/parseSchemaFile.js';

const text = (o: unknown): string => JSON.stringify(o, null, 2);

describe('parseSchemaFile', () => {
  it('reads a schema with its name, version, mode and upcast', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      'x-sluice': { compatibility: 'FULL_TRANSITIVE', upcast: '({ ...value, amount: 0 })' },
    };
    expect(parseSchemaFile('orders@2.schema.json', text(schema))).toEqual({
      schema: {
        name: 'orders',
        version: 2,
        ref: 'orders@2',
        file: 'orders@2.schema.json',
        schema,
        compatibility: 'FULL_TRANSITIVE',
        upcast: '({ ...value, amount: 0 })',
      },
      problems: [],
    });
  });

  it('defaults to BACKWARD, as Confluent does, and accepts boolean schemas', () => {
    expect(parseSchemaFile('any@1.schema.json', 'true').schema).toMatchObject({
      schema: true,
      compatibility: 'BACKWARD',
    });
  });

  it('refuses a file not named name@version.schema.json', () => {
    const r = parseSchemaFile('orders.schema.json', '{}');
    expect(r.schema).toBeNull();
    expect(r.problems[0]?.message).toMatch(
      /^a schema file is named <name>@<version>\.schema\.json \(for example orders@1\.schema\.json\)/,
    );
  });

  it('says where a file is not JSON', () => {
    expect(parseSchemaFile('orders@1.schema.json', '{\n  "type": "object",\n}')).toEqual({
      schema: null,
      problems: [
        {
          severity: 'error',
          file: 'orders@1.schema.json',
          line: 3,
          column: 1,
          message: "not JSON: a trailing comma before '}' is not allowed in JSON",
        },
      ],
    });
  });

  it('refuses another draft, naming the line of $schema', () => {
    const r = parseSchemaFile(
      'orders@1.schema.json',
      text({ type: 'object', $schema: 'http://json-schema.org/draft-07/schema#' }),
    );
    expect(r.problems).toEqual([
      {
        severity: 'error',
        file: 'orders@1.schema.json',
        line: 3,
        column: 14,
        message:
          'declares "$schema": "http://json-schema.org/draft-07/schema#"; contracts are JSON Schema 2020-12 ("https://json-schema.org/draft/2020-12/schema", or leave "$schema" out)',
      },
    ]);
  });

  it('refuses an unknown compatibility mode with a hint, and an upcast that does not parse', () => {
    const mode = parseSchemaFile('o@1.schema.json', text({ 'x-sluice': { compatibility: 'backwards' } }));
    expect(mode.problems[0]).toMatchObject({ line: 3, severity: 'error' });
    expect(mode.problems[0]?.message).toBe(
      '"compatibility" must be one of BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE, not "backwards" (did you mean "BACKWARD"?)',
    );
    const upcast = parseSchemaFile('o@2.schema.json', text({ 'x-sluice': { upcast: '({ ...value, ' } }));
    expect(upcast.schema).toBeNull();
    expect(upcast.problems[0]?.message).toMatch(/^the upcast expression does not parse: /);
  });

  it('never runs the upcast expression', () => {
    const r = parseSchemaFile('o@2.schema.json', text({ 'x-sluice': { upcast: '(globalThis.pwned = true)' } }));
    expect(r.schema?.upcast).toBe('(globalThis.pwned = true)');
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });

  it('warns of an unknown x-sluice setting', () => {
    const r = parseSchemaFile('o@1.schema.json', text({ 'x-sluice': { upcats: 'value' } }));
    expect(r.schema).not.toBeNull();
    expect(r.problems).toEqual([
      {
        severity: 'warning',
        file: 'o@1.schema.json',
        line: 3,
        column: 15,
        message: '"x-sluice" has an unknown setting "upcats", which is ignored (did you mean "upcast"?)',
      },
    ]);
  });

  it('refuses keys that reach Object.prototype rather than dropping them', () => {
    const r = parseSchemaFile('o@1.schema.json', '{ "properties": { "__proto__": { "type": "string" } } }');
    expect(r.schema).toBeNull();
    expect(r.problems[0]?.message).toMatch(/^uses the key "__proto__", which Sluice refuses everywhere/);
  });

  it('refuses JSON that is not a schema', () => {
    expect(parseSchemaFile('o@1.schema.json', '[1]').problems[0]?.message).toBe(
      'a JSON Schema is an object (or true/false), not a list',
    );
    expect(parseSchemaFile('o@1.schema.json', '  ').problems[0]?.message).toBe(
      'the file is empty; it must hold a JSON Schema',
    );
  });
});
