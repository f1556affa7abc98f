import { resolve } from 'node:path';
import { hasErrors } from '../contract/problem.js';
import { checkWrittenContracts } from '../contracts/node/checkWrittenContracts.js';
import { validate } from '../graph/validate.js';
import { nodeRegistry } from '../nodes/registry.js';
import { loadGraphSchemas } from '../contracts/node/loadGraphSchemas.js';
import { describeProblem } from '../runtime/CheckedGraph.js';
import { formatSchemaProblem } from './formatSchemaProblem.js';
import { readGraphFile } from './readGraphFile.js';

/**
 * `sluice validate <graph>`: exit 0 valid (warnings may print), 1 problems listed, 2 unreadable.
 * With a valid graph, the targets of sinks with contracts are read too (checkWrittenContracts):
 * a target holding events of an incompatible version is an error; one that cannot be read is
 * reported as not checked, and does not change the exit code.
 */
export async function validateCommand(
  path: string,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const read = readGraphFile(path);
  if (!read.ok) {
    err(read.error);
    return 2;
  }
  // The graph's contracts are checked against its schemas/ folder (none: no schemas).
  const schemas = loadGraphSchemas(path);
  for (const p of schemas.problems) (p.severity === 'error' ? err : out)(formatSchemaProblem(schemas.folder, p));
  const problems = validate(read.graph, nodeRegistry, { schemas: schemas.schemas, env: process.env });
  if (!hasErrors(problems)) {
    const graphPath = resolve(path);
    problems.push(
      ...(await checkWrittenContracts(read.graph, { graphPath, schemas: schemas.schemas, env: process.env })),
    );
  }
  for (const p of problems) (p.severity === 'error' ? err : out)(`${p.severity}: ${describeProblem(p)}`);
  const errors =
    problems.filter((p) => p.severity === 'error').length +
    schemas.problems.filter((p) => p.severity === 'error').length;
  if (errors > 0) {
    err(`${path}: ${errors} error${errors === 1 ? '' : 's'}`);
    return 1;
  }
  out(`${path}: valid (${read.graph.nodes.length} nodes, ${read.graph.edges.length} edges)`);
  return 0;
}
