import { createRequire } from 'node:module';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type formatsModule from 'ajv-formats';
import { SLUICE_KEY } from '../../graph/parseSchemaFile.js';

/**
 * ajv and ajv-formats, required (they are CommonJS) when the first validator is made: every
 * worker thread imports the contract gates, and loading ajv took 0.1 s of a worker's start
 * (profiled) in runs that have no contract.
 */
let lib: { Ajv2020: typeof Ajv2020; formats: typeof formatsModule } | null = null;
function loadAjv(): NonNullable<typeof lib> {
  if (lib === null) {
    const require = createRequire(import.meta.url);
    const ajv = require('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020 };
    const formats = require('ajv-formats') as typeof formatsModule;
    lib = { Ajv2020: ajv.Ajv2020, formats };
  }
  return lib;
}

/**
 * A JSON Schema 2020-12 validator as contracts use it: ajv 8 (the fast, well-kept validator the
 * field uses; it compiles each schema to a JavaScript function once) with the standard formats
 * (ajv-formats) and `x-sluice` known as an annotation.
 *
 * Node side only: ajv compiles with `new Function`, which the editor's Content-Security-Policy
 * forbids, so nothing the renderer imports may import this (the lint config refuses it).
 * One instance per schema: schemas that share an `$id` would collide in one instance's cache.
 *
 * `warn` receives ajv's strict-mode findings (unknown keywords such as a misspelt "requried"),
 * which are not errors in JSON Schema but are almost always typos. `allErrors` makes it report
 * every failure instead of the first (for checking schemas; checking events wants the first).
 */
export function newAjv(
  options: { warn?: (message: string) => void; allErrors?: boolean; validateSchema?: boolean } = {},
): Ajv2020 {
  const { warn } = options;
  const { Ajv2020, formats } = loadAjv();
  const ajv = new Ajv2020({
    strict: warn ? 'log' : false,
    // Type-less keywords and tuples are fine JSON Schema; only unknown keywords are worth a word.
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allErrors: options.allErrors === true,
    // Off for run-time checkers: the loader validated the schema already, and checking it again
    // compiles the 2020-12 meta-schema in every instance (tens of ms per contract per worker).
    validateSchema: options.validateSchema !== false,
    logger: warn ? { log: () => {}, warn: (...a: unknown[]) => warn(a.map(String).join(' ')), error: () => {} } : false,
  });
  formats.default(ajv);
  ajv.addKeyword(SLUICE_KEY);
  return ajv;
}
