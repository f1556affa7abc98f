/**
 * Event contracts (SPEC §11): versioned JSON Schemas (2020-12), one file per version in the
 * graph's `schemas/` folder, named `name@version`. This file holds the shapes every layer
 * speaks (the loader, the validator, the run-time checker, the editor); the logic lives in
 * `engine/contracts/`.
 */

/**
 * How a new version must relate to the earlier ones, with Confluent Schema Registry's meaning.
 * "Reads" is about a consumer: a consumer on the new version reads events written with the
 * earlier ones (BACKWARD), or a consumer on an earlier version reads events written with the new
 * one (FORWARD). `_TRANSITIVE` checks every earlier version, not only the previous one.
 */
export const COMPATIBILITY_MODES = [
  /** The new version reads events of the previous version (default: consumers upgrade first). */
  'BACKWARD',
  /** The new version reads events of every earlier version (a replay from the start). */
  'BACKWARD_TRANSITIVE',
  /** The previous version reads events of the new one (producers upgrade first). */
  'FORWARD',
  /** Every earlier version reads events of the new one. */
  'FORWARD_TRANSITIVE',
  /** Both BACKWARD and FORWARD against the previous version. */
  'FULL',
  /** Both, against every earlier version. */
  'FULL_TRANSITIVE',
  /** No check: any change is accepted. */
  'NONE',
] as const;
export type CompatibilityMode = (typeof COMPATIBILITY_MODES)[number];

/** Confluent's default, and ours when a schema declares none. */
export const DEFAULT_COMPATIBILITY: CompatibilityMode = 'BACKWARD';

/** The draft every contract is written in; a `$schema` naming another draft is refused. */
export const JSON_SCHEMA_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/** A JSON Schema as data: an object, or `true`/`false` (JSON Schema's boolean schemas). */
export type JsonSchema = boolean | { [keyword: string]: unknown };

/** One version of a contract, as loaded from `schemas/<name>@<version>.schema.json`. */
export interface EventSchema {
  /** The contract's name ("orders"): letters, digits, `.`, `_`, `-`. */
  name: string;
  /** Its version: a whole number ≥ 1. */
  version: number;
  /** `name@version`, as configs and edges write it. */
  ref: string;
  /** The file it came from, relative to the schemas folder (for messages). */
  file: string;
  /** The JSON Schema itself, `x-sluice` included (validators ignore it). */
  schema: JsonSchema;
  /** From `x-sluice.compatibility`; `DEFAULT_COMPATIBILITY` when absent. */
  compatibility: CompatibilityMode;
  /**
   * From `x-sluice.upcast`: an expression over `value` (and `key`, `time`, `event`) that turns a
   * value of the previous version into one of this version. Absent: the value passes unchanged.
   */
  upcast?: string;
}

/** A problem with a schema file: where (file, and line and column when known) and why. */
export interface SchemaProblem {
  severity: 'error' | 'warning';
  /** The file, relative to the schemas folder. */
  file: string;
  /** 1-based line, when the problem has a place in the file. */
  line?: number;
  /** 1-based column. */
  column?: number;
  message: string;
}

/**
 * A value that fails its contract at run time. `path` is a JSON pointer into the value ("" for
 * the value itself, "/customer/id" for a nested field), so dead letters can say which field.
 */
export interface ContractViolation {
  /** The contract it failed (`orders@2`). */
  contract: string;
  /** JSON pointer of the failing field within the event's value. */
  path: string;
  /** One sentence a person understands ("field customer.id must be a string, not 42"). */
  message: string;
}

/** `name@version`, parsed. */
export interface ContractRef {
  name: string;
  version: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const REF = /^([A-Za-z0-9][A-Za-z0-9._-]*)@([1-9][0-9]{0,8})$/;

/** True for a name a contract may have (it also names files and AsyncAPI components). */
export const isContractName = (name: string): boolean => NAME.test(name);

/** `"orders@2"` → `{ name: "orders", version: 2 }`; null for anything else. */
export function parseContractRef(text: unknown): ContractRef | null {
  if (typeof text !== 'string') return null;
  const m = REF.exec(text.trim());
  return m ? { name: m[1] as string, version: Number(m[2]) } : null;
}

/** `{ name, version }` → `"name@version"`. */
export const formatContractRef = (ref: ContractRef): string => `${ref.name}@${ref.version}`;

/** The key a source's or sink's config, and an edge, use for their contract. */
export const CONTRACT_KEY = 'contract';
