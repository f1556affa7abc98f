import { runInNewContext } from 'node:vm';
import type { PreviewRequest, PreviewResult } from '../contract/EngineApi.js';
import { expressionError } from '../graph/expression.js';
import { EVENT_VARS } from '../nodes/userCodeFailed.js';

/** A preview that runs longer than this is stopped (an endless loop typed half-way). */
export const PREVIEW_TIMEOUT_MS = 250;
/** A result longer than this (as JSON) is cut: the inspector shows a preview, not a dump. */
export const PREVIEW_MAX_CHARS = 20_000;

/**
 * Evaluate an expression over a sample event for the inspector's preview, here in the engine:
 * the editor's CSP forbids eval, and code runs only once the user trusted the graph (SPEC §2).
 * The expression is parsed first (acorn: an expression, nothing around it), then run in a fresh
 * V8 context with a time limit, and its result comes back as JSON data. Errors are one sentence.
 */
export function previewExpression(request: PreviewRequest): PreviewResult {
  if (!request.trusted) {
    return { ok: false, error: 'Trust the graph’s code first: the preview runs the expression.' };
  }
  const syntax = expressionError(request.expression, EVENT_VARS, 'expression');
  if (syntax !== null) return { ok: false, error: `The expression ${syntax}.` };
  const sample = request.sample;
  const event = { id: 'sample', key: sample.key ?? null, time: sample.time ?? Date.now(), value: sample.value };
  const code =
    `(function (${EVENT_VARS.join(', ')}) {\n"use strict";\nreturn (\n${request.expression}\n);\n})` +
    `(__event.value, __event.key, __event.time, __event)`;
  let result: unknown;
  try {
    // The sample crosses as JSON text, so the expression sees plain data of its own realm.
    const sandbox = { __text: JSON.stringify(event), __event: undefined as unknown };
    const wrapped = `"use strict";\n__event = JSON.parse(__text);\nconst __r = ${code};\n__r === undefined ? undefined : JSON.stringify(__r)`;
    result = runInNewContext(wrapped, sandbox, { timeout: PREVIEW_TIMEOUT_MS, displayErrors: false });
  } catch (err) {
    // Errors thrown in the context are of its realm: not `instanceof Error` here.
    const e = typeof err === 'object' && err !== null ? (err as { name?: unknown; message?: unknown }) : {};
    const message = typeof e.message === 'string' ? e.message : String(err);
    if (/timed out/i.test(message)) {
      return {
        ok: false,
        error: `The expression ran longer than ${PREVIEW_TIMEOUT_MS} ms on the sample and was stopped.`,
      };
    }
    return { ok: false, error: `On the sample it throws ${typeof e.name === 'string' ? e.name : 'Error'}: ${message}` };
  }
  if (result === undefined) return { ok: true, value: undefined };
  const text = String(result);
  if (text.length > PREVIEW_MAX_CHARS) return { ok: true, value: `${text.slice(0, PREVIEW_MAX_CHARS)}… (cut)` };
  return { ok: true, value: JSON.parse(text) as unknown };
}
