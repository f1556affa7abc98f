import { dirname, join } from 'node:path';
import { SCHEMAS_FOLDER } from '../common/schemaFileName.js';
import { loadSchemaFolder, type LoadedSchemas } from './loadSchemaFolder.js';

/** The schemas of the graph file at `graphPath`: its `schemas/` folder (SPEC §11). */
export function loadGraphSchemas(graphPath: string): LoadedSchemas {
  return loadSchemaFolder(join(dirname(graphPath), SCHEMAS_FOLDER));
}
