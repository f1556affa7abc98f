import { validate } from '../graph/validate.js';
import { nodeRegistry } from '../nodes/registry.js';
import { loadGraphSchemas } from '../contracts/node/loadGraphSchemas.js';
import { describeProblem } from '../runtime/CheckedGraph.js';
import { formatSchemaProblem } from './formatSchemaProblem.js';
import { readGraphFile } from './readGraphFile.js';

/** `sluice validate <graph>`: exit 0 valid (warnings may print), 1 problems listed, 2 unreadable. */
export function validateCommand(path: string, out: (line: string) => void, err: (line: string) => void): number {
  const read = readGraphFile(path);
  if (!read.ok) {
    err(read.error);
    return 2;
  }
  // The graph's contracts are checked against its schemas/ folder (none: no schemas).
  const schemas = loadGraphSchemas(path);
  for (const p of schemas.problems) (p.severity === 'error' ? err : out)(formatSchemaProblem(schemas.folder, p));
  const problems = validate(read.graph, nodeRegistry, { schemas: schemas.schemas, env: process.env });
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
