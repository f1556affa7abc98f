/**
 * The AsyncAPI parser (@asyncapi/parser 3) as the tests use it to validate generated documents:
 * the document against the AsyncAPI 3 specification (structure, references, channels of
 * operations), and each message payload in JSON Schema 2020-12 against the 2020-12
 * meta-schema. The parser knows draft-07 payloads itself; for another format it hands each
 * payload of a 3.x document to the schema parser registered for it (`parse`; its ruleset runs a
 * format's `validate` only for 2.x documents), so the one registered here checks there.
 */
import { Parser, type SchemaParser } from '@asyncapi/parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';

const DRAFT_2020_12 = 'application/schema+json;version=draft-2020-12';

function jsonSchema2020(found: string[]): SchemaParser {
  const check = (data: unknown, path: ReadonlyArray<string | number>): string[] => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    formats.default(ajv);
    if (ajv.validateSchema(data as object)) return [];
    return (ajv.errors ?? []).map(
      (e) => `payload: ${e.instancePath || '/'} ${e.message ?? 'is invalid'} at ${path.join('.')}`,
    );
  };
  return {
    getMimeTypes: () => [DRAFT_2020_12],
    validate: (input) => check(input.data, input.path).map((message) => ({ message, path: [...input.path] })),
    parse(input) {
      found.push(...check(input.data, input.path));
      return input.data as never;
    },
  };
}

/** Errors and warnings (severity 0 and 1), one line each, payloads included; [] for a valid document. */
export async function asyncApiProblems(document: unknown): Promise<string[]> {
  const payloadProblems: string[] = [];
  const parser = new Parser();
  parser.registerSchemaParser(jsonSchema2020(payloadProblems));
  const { diagnostics } = await parser.parse(JSON.stringify(document));
  return [
    ...diagnostics
      .filter((d) => d.severity === 0 || d.severity === 1)
      .map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`),
    ...payloadProblems,
  ];
}
