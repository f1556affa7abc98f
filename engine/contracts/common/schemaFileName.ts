import { isContractName, type ContractRef } from '../../contract/eventSchema.js';

/** What every schema file's name ends with. */
export const SCHEMA_FILE_SUFFIX = '.schema.json';

/** The folder beside a graph file that holds its schemas. */
export const SCHEMAS_FOLDER = 'schemas';

/** `orders@2.schema.json` → `{ name: "orders", version: 2 }`; null for any other name. */
export function parseSchemaFileName(fileName: string): ContractRef | null {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  if (!base.endsWith(SCHEMA_FILE_SUFFIX)) return null;
  const stem = base.slice(0, -SCHEMA_FILE_SUFFIX.length);
  const at = stem.lastIndexOf('@');
  if (at <= 0) return null;
  const name = stem.slice(0, at);
  const version = stem.slice(at + 1);
  if (!isContractName(name) || !/^[1-9][0-9]{0,8}$/.test(version)) return null;
  return { name, version: Number(version) };
}

/** The file name of a contract version: `orders@2.schema.json`. */
export const schemaFileName = (ref: ContractRef): string => `${ref.name}@${ref.version}${SCHEMA_FILE_SUFFIX}`;
