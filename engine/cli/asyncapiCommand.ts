import { writeFileSync } from 'node:fs';
import { buildAsyncApi } from '../contracts/node/buildAsyncApi.js';
import { loadGraphSchemas } from '../contracts/node/loadGraphSchemas.js';
import { nodeRegistry } from '../nodes/registry.js';
import { formatSchemaProblem } from './formatSchemaProblem.js';
import { readGraphFile } from './readGraphFile.js';

/**
 * `sluice asyncapi <graph> [--out file]` (SPEC §11): the AsyncAPI 3 document of the graph's
 * broker channels and their message schemas, as JSON on stdout or in `--out`. Exit 0 written
 * (warnings, such as a channel without a contract, on stderr); 1 when the graph names a
 * contract its schemas do not have; 2 when the graph or a schema cannot be read.
 */
export function asyncapiCommand(
  graphPath: string,
  options: { outPath?: string },
  out: (line: string) => void,
  err: (line: string) => void,
): number {
  const read = readGraphFile(graphPath);
  if (!read.ok) {
    err(read.error);
    return 2;
  }
  const loaded = loadGraphSchemas(graphPath);
  for (const p of loaded.problems) err(formatSchemaProblem(loaded.folder, p));
  if (loaded.problems.some((p) => p.severity === 'error')) return 2;
  const result = buildAsyncApi(read.graph, loaded.schemas, nodeRegistry);
  for (const w of result.warnings) err(`warning: ${w}`);
  for (const e of result.errors) err(`error: ${e}`);
  if (result.errors.length > 0) return 1;
  const text = `${JSON.stringify(result.document, null, 2)}\n`;
  if (options.outPath) {
    try {
      writeFileSync(options.outPath, text);
    } catch (e) {
      err(`${options.outPath}: cannot be written (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      return 2;
    }
    out(`wrote ${options.outPath}`);
  } else {
    out(text.trimEnd());
  }
  return 0;
}
