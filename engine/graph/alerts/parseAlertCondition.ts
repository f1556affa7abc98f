import type { AlertComparison, AlertSubject } from '../../contract/alert.js';
import { closestName } from '../closestName.js';
import { ALERT_METRICS, alertMetric, type AlertUnit } from './alertMetrics.js';

/** A parsed `when`: what to read from each frame and what to compare it with. */
export interface AlertCondition {
  subject: AlertSubject;
  /** A key of `ALERT_METRICS[subject.kind]`. */
  metric: string;
  comparison: AlertComparison;
  /** In the metric's own unit: a share from 0 to 1, ms, a count, or per second. */
  threshold: number;
  /** The threshold as the user wrote it ("50%", "1.5k/s"), for messages. */
  thresholdText: string;
  /** Prints a value the way the threshold is written: divide by `divisor`, append `suffix`. */
  display: { divisor: number; suffix: string };
}

export type ParsedCondition = { ok: true; condition: AlertCondition } | { ok: false; error: string };

/** The grammar, for messages that say how to write one. */
export const ALERT_WHEN_FORM = '<edge ID | node ID | run> <metric> <comparison> <number>, e.g. "edge e3 lag > 1000"';

const COMPARISONS: readonly AlertComparison[] = ['>=', '<=', '==', '>', '<'];
const SUBJECTS = ['edge', 'node', 'run'] as const;

/** Units a threshold may carry, per metric unit: the factor into the metric's own unit. */
const UNITS: Record<AlertUnit, Record<string, number>> = {
  count: { '': 1, k: 1e3, M: 1e6 },
  rate: { '': 1, k: 1e3, M: 1e6 },
  share: { '': 1, '%': 0.01 },
  ms: { '': 1, ms: 1, s: 1000 },
};

/**
 * Parse an alert's `when` (SPEC §14): `<subject> <metric> <comparison> <threshold>`.
 *
 * - subject: `edge <id>`, `node <id>` or `run`; an id with spaces or `<>=!` is written as a JSON
 *   string (`edge "orders in" rate < 10`).
 * - metric: one of `ALERT_METRICS` for that subject kind.
 * - comparison: `>`, `>=`, `<`, `<=`, `==`.
 * - threshold: a decimal number, optionally with a unit that fits the metric: `%` for shares,
 *   `ms`/`s` for durations, `k`/`M` for counts and rates, and `/s` after a rate.
 *
 * A small hand-written scanner read left to right: the grammar has four parts and no nesting, so
 * a parser library would be more than the grammar, and nothing here is ever evaluated as code
 * (no `eval`, no expressions). Errors are one sentence fragment naming what is wrong; the
 * caller (readAlerts) puts the alert's name before it.
 */
export function parseAlertCondition(text: string): ParsedCondition {
  const s = new Scanner(text);
  if (s.atEnd()) return fail(`is empty; write it as ${ALERT_WHEN_FORM}`);

  // 1. The subject.
  const kindWord = s.word();
  if (!(SUBJECTS as readonly string[]).includes(kindWord)) {
    const hint = closestName(kindWord, SUBJECTS);
    return fail(
      `starts with ${quoteToken(kindWord)}; it must start with "edge <id>", "node <id>" or "run"${hint ? ` (did you mean "${hint}"?)` : ''}`,
    );
  }
  const kind = kindWord as AlertSubject['kind'];
  let subject: AlertSubject;
  if (kind === 'run') {
    subject = { kind: 'run' };
  } else {
    const id = s.id(kind);
    if (!id.ok) return fail(id.error);
    subject = { kind, id: id.value };
  }

  // 2. The metric.
  const metricName = s.word();
  const names = Object.keys(ALERT_METRICS[kind]);
  const where = kind === 'run' ? 'the run' : kind === 'edge' ? 'an edge' : 'a node';
  if (metricName === '') {
    // "edge lag > 1000": the metric was read as the id.
    if (subject.kind !== 'run' && alertMetric(kind, subject.id)) {
      return fail(`names no ${kind} id: write it as ${kind} <id> ${subject.id} …`);
    }
    return fail(`names no metric after ${describeSubject(subject)}; metrics of ${where} are ${names.join(', ')}`);
  }
  const metric = alertMetric(kind, metricName);
  if (!metric) {
    const hint = closestName(metricName, names);
    return fail(
      `names the metric "${metricName}", which ${where} does not have${hint ? ` (did you mean "${hint}"?)` : ''}; metrics of ${where} are ${names.join(', ')}`,
    );
  }

  // 3. The comparison.
  const comparison = s.comparison(metricName);
  if (!comparison.ok) return fail(comparison.error);

  // 4. The threshold and its unit.
  const rest = s.rest();
  if (rest === '') return fail(`has no number after "${comparison.value}"`);
  const m = /^(-?(?:\d+(?:\.\d*)?|\.\d+))\s*(%|ms|s|k|M)?\s*(\/\s*s)?(?=\s|$)/.exec(rest);
  if (!m) {
    const token = rest.split(/\s+/)[0] as string;
    const hint = /^\d{1,3}(,\d{3})+/.test(token) ? ' (write it without thousands separators)' : '';
    return fail(
      `compares with ${quoteToken(token)}, which is not a number${hint || ' (write e.g. 1000, 0.5, 50%, 250ms or 1.5k)'}`,
    );
  }
  const [whole, digits, unit = '', perSecond] = m as unknown as [
    string,
    string,
    string | undefined,
    string | undefined,
  ];
  const factor = UNITS[metric.unit][unit];
  if (factor === undefined) {
    return fail(`writes the threshold in "${unit}", which does not fit ${metricName} (${unitWords(metric.unit)})`);
  }
  if (perSecond && metric.unit !== 'rate') {
    return fail(`writes the threshold per second ("/s"), but ${metricName} is not a rate (${unitWords(metric.unit)})`);
  }
  const after = rest.slice(whole.length).trim();
  if (after !== '') {
    return fail(`goes on after the threshold with ${quoteToken(after)}; an alert has one condition`);
  }
  const threshold = Number(digits) * factor;
  return {
    ok: true,
    condition: {
      subject,
      metric: metricName,
      comparison: comparison.value,
      threshold,
      thresholdText: whole.trim(),
      display: {
        divisor: factor,
        suffix: (unit === 'ms' || unit === 's' ? ` ${unit}` : unit) + (perSecond ? '/s' : ''),
      },
    },
  };
}

/** "edge e3", "node agg", "run"; ids that need it quoted, as the grammar reads them. */
export function describeSubject(subject: AlertSubject): string {
  if (subject.kind === 'run') return 'run';
  return `${subject.kind} ${/^[^\s"<>=!]+$/.test(subject.id) ? subject.id : JSON.stringify(subject.id)}`;
}

function unitWords(unit: AlertUnit): string {
  return {
    count: 'a count: write a plain number, or k or M',
    rate: 'a rate per second: write a plain number, k or M, optionally with /s',
    share: 'a share: write a number from 0 to 1, or a percentage',
    ms: 'a duration: write milliseconds, or ms or s',
  }[unit];
}

function fail(error: string): ParsedCondition {
  return { ok: false, error };
}

function quoteToken(token: string): string {
  const short = token.length > 24 ? `${token.slice(0, 24)}…` : token;
  return JSON.stringify(short);
}

type Step<T> = { ok: true; value: T } | { ok: false; error: string };

/** A cursor over the `when` text; whitespace between tokens is free, also none (`lag>1000`). */
class Scanner {
  private pos = 0;
  constructor(private readonly text: string) {
    this.skipSpace();
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  /** A bare token: letters, digits and anything but spaces, quotes and `<>=!`. May be empty. */
  word(): string {
    const m = /^[^\s"<>=!]*/.exec(this.text.slice(this.pos)) as RegExpExecArray;
    this.pos += m[0].length;
    this.skipSpace();
    return m[0];
  }

  /** An edge or node id: a bare token or a JSON string. */
  id(kind: string): Step<string> {
    if (this.text[this.pos] === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(this.text.slice(this.pos));
      if (!m) return { ok: false, error: `has a quoted ${kind} id without its closing quote` };
      let value: string;
      try {
        value = JSON.parse(m[0]) as string;
      } catch {
        return { ok: false, error: `has a quoted ${kind} id that is not a valid string: ${m[0]}` };
      }
      this.pos += m[0].length;
      this.skipSpace();
      return value === '' ? { ok: false, error: `names an empty ${kind} id` } : { ok: true, value };
    }
    const word = this.word();
    return word === '' ? { ok: false, error: `names no ${kind} id after "${kind}"` } : { ok: true, value: word };
  }

  comparison(metric: string): Step<AlertComparison> {
    const rest = this.text.slice(this.pos);
    const op = /^[<>=!]+/.exec(rest)?.[0];
    if (op === undefined) {
      if (rest === '') return { ok: false, error: `has no comparison after "${metric}" (use >, >=, <, <= or ==)` };
      const token = /^\S+/.exec(rest)?.[0] ?? rest;
      return { ok: false, error: `has ${quoteToken(token)} where a comparison belongs (use >, >=, <, <= or ==)` };
    }
    if ((COMPARISONS as readonly string[]).includes(op)) {
      this.pos += op.length;
      this.skipSpace();
      return { ok: true, value: op as AlertComparison };
    }
    // Slips for comparisons the grammar has; "!=" has no counterpart (write two alerts).
    const slip: Record<string, string> = { '=': '==', '===': '==', '=>': '>=', '=<': '<=', '>>': '>', '<<': '<' };
    const hint = Object.hasOwn(slip, op) ? ` (did you mean "${slip[op]}"?)` : '';
    return { ok: false, error: `compares with "${op}"; use >, >=, <, <= or ==${hint}` };
  }

  rest(): string {
    return this.text.slice(this.pos).trim();
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] as string)) this.pos++;
  }
}
