import type { FieldSchema, NodeDescriptor } from '../contract/descriptor.js';
import { CONTRACT_KEY } from '../contract/eventSchema.js';
import type { Problem } from '../contract/problem.js';
import { applyDefaults } from './applyDefaults.js';
import { closestName } from './closestName.js';
import { describeJsonType } from './describeJsonType.js';
import { expressionError } from './expression.js';
import { isRecord } from './isRecord.js';
import { isUnset } from './isUnset.js';
import { shortText } from './shortText.js';

/**
 * Every problem of one node's config against its descriptor: required fields, kinds, enum values,
 * number ranges, expressions and code that do not parse (also inside `list` items, such as a
 * router's predicates), unknown keys (warnings), and finally the descriptor's own `check`, which
 * runs only on a config without schema errors so it may trust the field kinds.
 *
 * `nodeName` is how messages name the node (`Node "gen"`); the inspector can call this directly
 * for one node as the user types.
 */
export function validateConfig(
  config: unknown,
  descriptor: Pick<NodeDescriptor, 'type' | 'config' | 'check'>,
  nodeId: string | undefined,
  nodeName: string,
): Problem[] {
  const at = (p: FieldProblem): Problem => ({
    severity: p.severity,
    ...(nodeId !== undefined ? { nodeId } : {}),
    ...(p.field !== undefined ? { field: p.field } : {}),
    message: `${nodeName}${p.message}`,
  });
  if (config !== undefined && !isRecord(config)) {
    return [
      at({
        severity: 'error',
        field: undefined,
        message: `: config must be an object, not ${describeJsonType(config)}.`,
      }),
    ];
  }
  const record = config ?? {};
  const found = checkRecord(record, descriptor.config, '');
  if (found.some((p) => p.severity === 'error') || !descriptor.check) return found.map(at);
  let extra: ReturnType<NonNullable<NodeDescriptor['check']>>;
  try {
    extra = descriptor.check(applyDefaults(record, descriptor));
  } catch (err) {
    // A descriptor bug, not the user's; still a problem, so the run refuses rather than crashes later.
    extra = [{ message: `could not be checked (${err instanceof Error ? err.message : String(err)})` }];
  }
  return [
    ...found.map(at),
    ...extra.map((p) => ({
      severity: p.severity ?? 'error',
      ...(nodeId !== undefined ? { nodeId } : {}),
      ...(p.field !== undefined ? { field: p.field } : {}),
      message: `${nodeName}: ${sentence(p.message)}`,
    })),
  ];
}

/** A problem before the node's name is put in front: `message` starts with ": " or " ". */
interface FieldProblem {
  severity: 'error' | 'warning';
  field: string | undefined;
  message: string;
}

function checkRecord(
  record: Record<string, unknown>,
  schema: Readonly<Record<string, FieldSchema>>,
  prefix: string,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [key, field] of Object.entries(schema)) {
    problems.push(...checkField(record[key], field, `${prefix}${key}`));
  }
  for (const key of Object.keys(record)) {
    if (Object.hasOwn(schema, key)) continue;
    if (prefix === '' && key === CONTRACT_KEY) continue; // any node's; checked by checkContracts
    const hint = closestName(key, Object.keys(schema));
    problems.push({
      severity: 'warning',
      field: `${prefix}${key}`,
      message: ` has an unknown setting "${shortText(`${prefix}${key}`)}", which is ignored${hint ? ` (did you mean "${prefix}${hint}"?)` : ''}.`,
    });
  }
  return problems;
}

function checkField(value: unknown, field: FieldSchema, path: string): FieldProblem[] {
  const fail = (message: string): FieldProblem[] => [
    { severity: 'error', field: path, message: `: "${path}" ${message}.` },
  ];
  if (isUnset(value, field)) {
    if (field.required && field.default === undefined) {
      return [{ severity: 'error', field: path, message: ` needs a value for "${path}" (${field.label}).` }];
    }
    return [];
  }
  const got = describeValue(value);
  switch (field.kind) {
    case 'string':
    case 'path':
      if (typeof value !== 'string') return fail(`must be text, not ${got}`);
      if (field.required && value.trim() === '') return fail('must not be empty');
      return [];
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail(`must be a number, not ${got}`);
      if (field.integer && !Number.isInteger(value)) return fail(`must be a whole number, not ${value}`);
      if (field.min !== undefined && value < field.min) return fail(`must be at least ${field.min}, not ${value}`);
      if (field.max !== undefined && value > field.max) return fail(`must be at most ${field.max}, not ${value}`);
      return [];
    case 'boolean':
      return typeof value === 'boolean' ? [] : fail(`must be true or false, not ${got}`);
    case 'enum': {
      if (typeof value === 'string' && field.values.includes(value)) return [];
      const hint = typeof value === 'string' ? closestName(value, field.values) : null;
      return fail(`must be one of ${field.values.join(', ')}, not ${got}${hint ? ` (did you mean "${hint}"?)` : ''}`);
    }
    case 'expression':
    case 'code': {
      const what = field.kind === 'expression' ? 'a JavaScript expression' : 'JavaScript code';
      if (typeof value !== 'string') return fail(`must be ${what} written as text, not ${got}`);
      const error = expressionError(value, field.vars, field.kind);
      return error === null
        ? []
        : fail(`is not valid ${field.kind === 'expression' ? 'as an expression' : 'code'}: ${error}`);
    }
    case 'stringList': {
      if (!Array.isArray(value)) return fail(`must be a list of names, not ${got}`);
      const bad = value.findIndex((v) => typeof v !== 'string' || v.trim() === '');
      if (bad >= 0) return fail(`must hold only non-empty names, but item ${bad + 1} is ${describeValue(value[bad])}`);
      const seen = new Set<string>();
      const dup = (value as string[]).find((v) => seen.size === seen.add(v).size);
      if (dup !== undefined) return fail(`lists "${shortText(dup)}" twice`);
      return [];
    }
    case 'list': {
      if (!Array.isArray(value)) return fail(`must be a list, not ${got}`);
      return value.flatMap((item, i) => {
        if (!isRecord(item)) {
          return [
            {
              severity: 'error' as const,
              field: `${path}[${i}]`,
              message: `: "${path}[${i}]" must be an object, not ${describeValue(item)}.`,
            },
          ];
        }
        return checkRecord(item, field.item, `${path}[${i}].`);
      });
    }
    case 'record':
      if (!isRecord(value)) return fail(`must be an object, not ${got}`);
      return checkRecord(value, field.fields, `${path}.`);
  }
}

/** A short quote of a bad value for a message: `"total"`, `1.5`, `a list`. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return describeJsonType(value);
}

/** Descriptor sentences may or may not end with a period; messages always do. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
