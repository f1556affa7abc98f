import type { ErrorObject } from 'ajv/dist/2020.js';
import type { ContractViolation, EventSchema } from '../../contract/eventSchema.js';
import { describeJsonType } from '../../graph/describeJsonType.js';
import { newAjv } from './newAjv.js';

/** Checks one event value against its contract: null when it conforms, else why and where. */
export type ContractChecker = (value: unknown) => ContractViolation | null;

/**
 * Compile a contract once into a checker (ajv generates a function per schema; checking an
 * event then costs tens of nanoseconds for a small object, see test/bench/contracts.mjs). The
 * checker stops at the first failure (`allErrors: false`), which is all a dead letter needs and
 * keeps the failing path cheap. Throws only for a schema the loader would have refused.
 */
export function compileContractChecker(schema: EventSchema): ContractChecker {
  // The loader validated the schema against the meta-schema; compiling it is all that is left.
  const validate = newAjv({ validateSchema: false }).compile(schema.schema);
  const contract = schema.ref;
  return (value) => {
    if (validate(value)) return null;
    const error = validate.errors?.[0];
    return error
      ? violation(contract, error, value)
      : { contract, path: '', message: `the value does not match ${contract}` };
  };
}

/** A ajv error as a sentence about the event's field, with the field's JSON pointer. */
function violation(contract: string, e: ErrorObject, value: unknown): ContractViolation {
  const params = e.params as Record<string, unknown>;
  // `required` and `additionalProperties` report the parent object; the field is a parameter.
  const child =
    typeof params.missingProperty === 'string'
      ? params.missingProperty
      : typeof params.additionalProperty === 'string'
        ? params.additionalProperty
        : undefined;
  const path = child !== undefined ? `${e.instancePath}/${escapePointer(child)}` : e.instancePath;
  const field = fieldName(path);
  const actual = valueAt(value, e.instancePath);
  switch (e.keyword) {
    case 'required':
      return { contract, path, message: `${field} is missing (${contract} requires it)` };
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return { contract, path, message: `${field} is not allowed by ${contract} (it lists the fields it accepts)` };
    case 'type':
      return { contract, path, message: `${field} must be ${typeNames(params.type)}, not ${show(actual)}` };
    case 'enum':
      return {
        contract,
        path,
        message: `${field} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, not ${show(actual)}`,
      };
    case 'const':
      return {
        contract,
        path,
        message: `${field} must be ${JSON.stringify(params.allowedValue)}, not ${show(actual)}`,
      };
    default:
      return {
        contract,
        path,
        message: `${field} ${e.message ?? 'does not match'}${isScalar(actual) ? ` (it is ${JSON.stringify(actual)})` : ''}`,
      };
  }
}

/** `/customer/id` → "field customer.id"; `/lines/0/sku` → "field lines[0].sku"; "" → "the value". */
function fieldName(pointer: string): string {
  if (pointer === '') return 'the value';
  let out = '';
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(key) ? `[${key}]` : out === '' ? key : `.${key}`;
  }
  return `field ${out}`;
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  object: 'an object',
  array: 'a list',
  boolean: 'true/false',
  null: 'null',
};

function typeNames(type: unknown): string {
  const list = Array.isArray(type) ? type : String(type).split(',');
  return list.map((t) => TYPE_NAMES[String(t)] ?? String(t)).join(' or ');
}

const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

const isScalar = (v: unknown): boolean => v === null || ['string', 'number', 'boolean'].includes(typeof v);

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return describeJsonType(v);
}
