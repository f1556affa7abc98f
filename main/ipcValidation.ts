import type { ApiMethod } from '../engine/index.js';

/**
 * Calls only the desktop app has, handled by main itself (not the engine). They sit outside
 * `EngineApi` on purpose: the web host has no window title or native dialogs. `ready` is sent
 * by the preload when the page first listens, so main can deliver files it was asked to open
 * before the page had loaded.
 */
export const DESKTOP_METHODS = ['ready', 'setTitle', 'setDirty', 'showOpenDialog', 'showSaveDialog'] as const;
export type DesktopMethod = (typeof DESKTOP_METHODS)[number];

/** Any method the renderer may call over the bridge. */
export type BridgeMethod = ApiMethod | DesktopMethod;

/** What the trust edge made of one call: typed arguments, or one sentence saying what is wrong. */
export type ValidatedCall = { ok: true; method: BridgeMethod; args: unknown[] } | { ok: false; error: string };

/** One sentence fragment for a wrong argument, or null when it is acceptable. */
type Check = (value: unknown) => string | null;

/** Paths longer than any real filesystem allows are refused rather than passed on. */
const MAX_PATH = 4096;
/** A graph file far past this size is not something a person drew; refuse it before it crosses processes. */
const MAX_TEXT = 64 * 1024 * 1024;
const MAX_ID = 256;

const kindOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;

const string =
  (max: number): Check =>
  (v) =>
    typeof v !== 'string'
      ? `must be a string, not ${kindOf(v)}`
      : v.length > max
        ? `is longer than ${max} characters`
        : null;

const id = string(MAX_ID);
const text = string(MAX_TEXT);

const path: Check = (v) => {
  const problem = string(MAX_PATH)(v);
  if (problem) return problem;
  const s = v as string;
  if (s.length === 0) return 'must not be empty';
  // A NUL byte truncates the path in C APIs, so what is checked would differ from what is opened.
  if (s.includes('\0')) return 'must not contain a NUL character';
  return null;
};

const boolean: Check = (v) => (typeof v === 'boolean' ? null : `must be true or false, not ${kindOf(v)}`);
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || v === null ? null : check(v);
const anything: Check = () => null;
const nonNegative: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? null : 'must be a number of milliseconds (0 or more)';
const oneOf =
  (values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? null : `must be one of ${values.map((x) => `"${x}"`).join(', ')}`;

/** A plain object whose listed fields pass their checks; other fields are refused, so nothing unexpected reaches the engine. */
function record(fields: Record<string, Check>, required: readonly string[] = []): Check {
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return `must be an object, not ${kindOf(v)}`;
    const obj = v as Record<string, unknown>;
    for (const name of required) if (obj[name] === undefined) return `needs a "${name}" field`;
    for (const name of Object.keys(obj)) {
      const check = fields[name];
      if (!check) return `has an unknown field "${name}"`;
      const problem = optional(check)(obj[name]);
      if (problem) return `has a "${name}" field that ${problem}`;
    }
    return null;
  };
}

const graphLike: Check = (v) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? null : `must be a graph object, not ${kindOf(v)}`;
const target = record({ runId: id, graphPath: path });
const idList: Check = (v) =>
  Array.isArray(v) && v.length <= 10_000 && v.every((x) => Number.isInteger(x) && (x as number) > 0)
    ? null
    : `must be a list of dead-letter ids (whole numbers), not ${kindOf(v)}`;

interface Signature {
  /** Argument names, for messages; also fixes the count. */
  names: readonly string[];
  checks: readonly Check[];
  /** How many leading arguments must be present. */
  required: number;
}

const sig = (required: number, args: Record<string, Check>): Signature => ({
  names: Object.keys(args),
  checks: Object.values(args),
  required,
});

/**
 * The schema of every bridge method. A `Record` over the method union, so adding a method to
 * `API_METHODS` or `DESKTOP_METHODS` without a line here does not compile.
 */
export const SIGNATURES: Readonly<Record<BridgeMethod, Signature>> = {
  validate: sig(1, { graph: anything }),
  startRun: sig(1, {
    request: record({ graph: graphLike, path, fresh: boolean, trusted: boolean, durationMs: nonNegative }, ['graph']),
  }),
  stopRun: sig(1, { runId: id }),
  crashRun: sig(1, { runId: id }),
  tapEdge: sig(3, { runId: id, edgeId: id, on: boolean }),
  listCheckpoints: sig(1, { target }),
  listDeadLetters: sig(1, { target }),
  replayDeadLetters: sig(2, { runId: id, ids: idList }),
  listFiles: sig(0, { dir: optional(path) }),
  openFile: sig(1, { path }),
  saveFile: sig(2, { path, text }),
  listExamples: sig(0, {}),
  openExample: sig(1, { id }),
  ready: sig(0, {}),
  setTitle: sig(1, { documentName: (v) => (v === null ? null : string(MAX_PATH)(v)) }),
  setDirty: sig(1, { dirty: boolean }),
  showOpenDialog: sig(0, { purpose: optional(oneOf(['open', 'import'])) }),
  showSaveDialog: sig(0, { suggestedName: optional(string(MAX_PATH)), purpose: optional(oneOf(['save', 'export'])) }),
};

export const isDesktopMethod = (m: string): m is DesktopMethod => (DESKTOP_METHODS as readonly string[]).includes(m);

/** An EngineApi method the engine answers (from the schema table, which the compiler keeps complete). */
export const isEngineMethod = (m: unknown): m is ApiMethod =>
  typeof m === 'string' && Object.hasOwn(SIGNATURES, m) && !isDesktopMethod(m);

/**
 * Check one call from the renderer against its schema. Pure and total: never throws, whatever
 * the renderer sends (it is treated as untrusted, in case a graph's content ever finds a way to
 * run script). Trailing `undefined`/`null` arguments count as omitted.
 */
export function validateCall(method: unknown, args: unknown): ValidatedCall {
  if (typeof method !== 'string' || !Object.hasOwn(SIGNATURES, method)) {
    return { ok: false, error: `Unknown method ${JSON.stringify(method) ?? String(method)}.` };
  }
  const m = method as BridgeMethod;
  if (!Array.isArray(args)) return { ok: false, error: `The arguments of ${m} must be an array.` };
  const spec = SIGNATURES[m];
  const list = [...(args as unknown[])];
  while (list.length > spec.required && (list[list.length - 1] === undefined || list[list.length - 1] === null))
    list.pop();
  const max = spec.checks.length;
  if (list.length < spec.required || list.length > max) {
    const expected = spec.required === max ? `${max}` : `${spec.required} to ${max}`;
    return { ok: false, error: `${m} takes ${expected} argument${max === 1 ? '' : 's'}, not ${list.length}.` };
  }
  for (let i = 0; i < list.length; i++) {
    const problem = (spec.checks[i] as Check)(list[i]);
    if (problem) return { ok: false, error: `The "${spec.names[i]}" argument of ${m} ${problem}.` };
  }
  return { ok: true, method: m, args: list };
}

/**
 * Whether a frame may talk to main: only the app's own page, loaded from the app's own origin
 * (`appUrl`, e.g. `app://sluice/index.html`). A frame that navigated elsewhere, an iframe from
 * another origin, or a missing frame (it was destroyed) is refused. Pure.
 */
export function isTrustedSender(frameUrl: string | null | undefined, appUrl: string): boolean {
  if (!frameUrl) return false;
  let frame: URL;
  let app: URL;
  try {
    frame = new URL(frameUrl);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  // Custom and file schemes have an opaque "null" origin, so compare scheme and host explicitly.
  return (
    frame.protocol === app.protocol &&
    frame.host === app.host &&
    (app.protocol !== 'file:' || frame.pathname === app.pathname)
  );
}
