import type { ApiMethod, ClientMessage } from '../contract/wireProtocol.js';
import { API_METHODS, isApiMethod } from '../contract/wireProtocol.js';

/** What the trust edge made of one incoming message. */
export type ParsedClientMessage =
  | { ok: true; message: ClientMessage }
  /**
   * `id` is the call id when one could be read, so the error answers that call. `fatal`: the
   * peer speaks another protocol version, so nothing it sends can be understood.
   */
  | { ok: false; id: number | null; error: string; fatal?: boolean };

type ArgCheck = (value: unknown) => string | null;

/** One sentence for a wrong argument, or null when it is acceptable. */
const anything: ArgCheck = () => null;
const string: ArgCheck = (v) => (typeof v === 'string' ? null : `must be a string, not ${kindOf(v)}`);
const boolean: ArgCheck = (v) => (typeof v === 'boolean' ? null : `must be true or false, not ${kindOf(v)}`);
const optionalString: ArgCheck = (v) => (v === undefined || v === null ? null : string(v));

function record(fields: Record<string, ArgCheck>, required: readonly string[] = []): ArgCheck {
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return `must be an object, not ${kindOf(v)}`;
    const obj = v as Record<string, unknown>;
    for (const name of required) {
      if (!(name in obj)) return `needs a "${name}" field`;
    }
    for (const [name, check] of Object.entries(fields)) {
      if (obj[name] === undefined || (obj[name] === null && !required.includes(name))) continue;
      const problem = check(obj[name]);
      if (problem) return `has a "${name}" field that ${problem}`;
    }
    return null;
  };
}

const optionalBoolean: ArgCheck = (v) => (v === undefined || v === null ? null : boolean(v));
const optionalDuration: ArgCheck = (v) =>
  v === undefined || v === null || (typeof v === 'number' && Number.isFinite(v) && v >= 0)
    ? null
    : 'must be a number of milliseconds (0 or more)';
const graphLike: ArgCheck = (v) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? null : `must be a graph object, not ${kindOf(v)}`;
const target = record({ runId: string, graphPath: string });
/** A list of dead-letter ids: whole numbers, at most 10,000 of them. */
const idList: ArgCheck = (v) =>
  Array.isArray(v) && v.length <= 10_000 && v.every((x) => Number.isInteger(x) && x > 0)
    ? null
    : `must be a list of dead-letter ids (whole numbers), not ${kindOf(v)}`;

/**
 * The arguments of each method: required ones first, then optional ones. Kept beside the parser
 * so that adding an `EngineApi` method without a line here fails the contract test.
 */
export const METHOD_ARGS: Record<ApiMethod, { required: ArgCheck[]; optional?: ArgCheck[] }> = {
  validate: { required: [anything] },
  startRun: {
    required: [
      record(
        {
          graph: graphLike,
          path: string,
          fresh: optionalBoolean,
          trusted: optionalBoolean,
          durationMs: optionalDuration,
        },
        ['graph'],
      ),
    ],
  },
  stopRun: { required: [string] },
  crashRun: { required: [string] },
  tapEdge: { required: [string, string, boolean] },
  listCheckpoints: { required: [target] },
  listDeadLetters: { required: [target] },
  replayDeadLetters: { required: [string, idList] },
  listFiles: { required: [], optional: [optionalString] },
  openFile: { required: [string] },
  saveFile: { required: [string, string] },
  listExamples: { required: [] },
  openExample: { required: [string] },
};

const ARG_NAMES: Partial<Record<ApiMethod, string[]>> = {
  startRun: ['request'],
  stopRun: ['runId'],
  crashRun: ['runId'],
  tapEdge: ['runId', 'edgeId', 'on'],
  listCheckpoints: ['target'],
  listDeadLetters: ['target'],
  replayDeadLetters: ['runId', 'ids'],
  listFiles: ['dir'],
  openFile: ['path'],
  saveFile: ['path', 'text'],
  openExample: ['id'],
};

/**
 * Check one raw message from an untrusted peer (a browser page) and return it typed, or a
 * sentence saying what is wrong. Never throws. Trailing `null` arguments count as omitted,
 * because JSON turns an omitted optional argument into `null`.
 */
export function parseClientMessage(raw: string, expectedVersion: number): ParsedClientMessage {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, id: null, error: 'The message is not valid JSON.' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, id: null, error: 'The message must be a JSON object with a "type".' };
  }
  const msg = data as Record<string, unknown>;
  if (msg.type === 'hello') {
    if (msg.version !== expectedVersion) {
      return {
        ok: false,
        id: null,
        fatal: true,
        error: `The editor speaks protocol version ${String(msg.version)} but this host speaks version ${expectedVersion}; reload the page.`,
      };
    }
    return { ok: true, message: { type: 'hello', version: msg.version as 1 } };
  }
  if (msg.type !== 'call') {
    return {
      ok: false,
      id: null,
      error: `Unknown message type ${JSON.stringify(msg.type) ?? 'undefined'}; expected "hello" or "call".`,
    };
  }
  const id = msg.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    return { ok: false, id: null, error: 'A call needs a whole, non-negative number "id".' };
  }
  if (!isApiMethod(msg.method)) {
    return {
      ok: false,
      id,
      error: `Unknown method ${JSON.stringify(msg.method) ?? 'undefined'}; the host has ${API_METHODS.join(', ')}.`,
    };
  }
  const method = msg.method;
  if (!Array.isArray(msg.args)) return { ok: false, id, error: `The arguments of ${method} must be an array.` };
  const args = [...(msg.args as unknown[])];
  const spec = METHOD_ARGS[method];
  const max = spec.required.length + (spec.optional?.length ?? 0);
  while (args.length > spec.required.length && args[args.length - 1] === null) args.pop();
  if (args.length < spec.required.length || args.length > max) {
    const expected = spec.required.length === max ? `${max}` : `${spec.required.length} to ${max}`;
    return { ok: false, id, error: `${method} takes ${expected} argument${max === 1 ? '' : 's'}, not ${args.length}.` };
  }
  const checks = [...spec.required, ...(spec.optional ?? [])];
  for (let i = 0; i < args.length; i++) {
    const problem = (checks[i] as ArgCheck)(args[i]);
    if (problem) {
      const name = ARG_NAMES[method]?.[i] ?? `argument ${i + 1}`;
      return { ok: false, id, error: `The "${name}" argument of ${method} ${problem}.` };
    }
  }
  return { ok: true, message: { type: 'call', id, method, args } };
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'object':
      return 'an object';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return typeof v;
  }
}
