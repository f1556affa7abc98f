import { join } from 'node:path';
import type { SchemaProblem } from '../contract/index.js';

/** `schemas/orders@2.schema.json:7:15: error: …`, the place first, as compilers print it. */
export function formatSchemaProblem(folder: string, p: SchemaProblem): string {
  const file = p.file === '.' ? folder : join(folder, p.file);
  const place = p.line !== undefined ? `${file}:${p.line}:${p.column ?? 1}` : file;
  return `${place}: ${p.severity}: ${p.message}`;
}
