import { parseContractRef, type ContractRef, type EventSchema } from '../../contract/eventSchema.js';

/** The schema a contract names (`"orders@2"` or `{ name, version }`), if the set has it. */
export function findSchema(schemas: readonly EventSchema[], ref: string | ContractRef): EventSchema | undefined {
  const wanted = typeof ref === 'string' ? parseContractRef(ref) : ref;
  if (!wanted) return undefined;
  return schemas.find((s) => s.name === wanted.name && s.version === wanted.version);
}

/** Every version of one contract, oldest first. */
export function versionsOf(schemas: readonly EventSchema[], name: string): EventSchema[] {
  return schemas.filter((s) => s.name === name).sort((a, b) => a.version - b.version);
}
