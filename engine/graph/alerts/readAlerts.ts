import type { AlertNotify } from '../../contract/alert.js';
import type { GraphFile } from '../../contract/graphFile.js';
import type { Problem } from '../../contract/problem.js';
import { closestName } from '../closestName.js';
import { describeJsonType } from '../describeJsonType.js';
import { isRecord } from '../isRecord.js';
import { parseAlertCondition, type AlertCondition } from './parseAlertCondition.js';

/** An alert rule that passed every check, ready to evaluate. */
export interface AlertDefinition {
  /** The rule's `id`, or its `when` text when it has none. Unique in the graph. */
  id: string;
  /** The `when` text, runs of spaces collapsed. */
  when: string;
  condition: AlertCondition;
  forMs: number;
  clearForMs: number;
  notify: AlertNotify;
}

/** The keys an alert rule may have; others get a warning (likely a slip: "for" for "forMs"). */
const RULE_KEYS = ['id', 'when', 'forMs', 'clearForMs', 'notify'];
const NOTIFY: readonly AlertNotify[] = ['desktop', 'none'];
/** A day: a longer `forMs` is a slip of units (seconds for ms, or an extra zero or three). */
export const MAX_ALERT_HOLD_MS = 86_400_000;

/**
 * The graph's alert rules (SPEC §14, top-level `alerts`), checked against the graph: every
 * problem, each naming the alert and the field (`alerts[2].when`), and the rules that have none.
 * `validate` reports the problems; a run evaluates the rules. Checks, in order:
 *
 * 1. `alerts` is a list of objects;
 * 2. `when` parses (parseAlertCondition) and names an edge or node the graph has;
 * 3. `forMs`/`clearForMs` are whole numbers of ms from 0 to a day; `notify` is "desktop"/"none";
 * 4. ids are unique (a rule without one is named by its `when`);
 * 5. warnings: unknown keys, and `lag` on an edge that is no topic subscription (it has no lag).
 */
export function readAlerts(graph: GraphFile): { alerts: AlertDefinition[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const alerts: AlertDefinition[] = [];
  const list: unknown = graph.alerts;
  if (list === undefined) return { alerts, problems };
  if (!Array.isArray(list)) {
    problems.push({
      severity: 'error',
      field: 'alerts',
      message: `The graph’s alerts must be a list of rules such as { "when": "edge e1 lag > 1000" }, not ${describeJsonType(list)}.`,
    });
    return { alerts, problems };
  }
  const edges = new Map<string, GraphFile['edges'][number]>();
  for (const e of graph.edges) if (typeof e.id === 'string') edges.set(e.id, e);
  const nodes = new Map<string, GraphFile['nodes'][number]>();
  for (const n of graph.nodes) if (typeof n.id === 'string') nodes.set(n.id, n);
  const seen = new Map<string, number>();

  list.forEach((rule: unknown, i) => {
    const at = (severity: Problem['severity'], field: string | null, message: string): void => {
      problems.push({ severity, field: field === null ? `alerts[${i}]` : `alerts[${i}].${field}`, message });
    };
    if (!isRecord(rule)) {
      at(
        'error',
        null,
        `Alert #${i + 1} must be an object such as { "when": "edge e1 lag > 1000" }, not ${describeJsonType(rule)}.`,
      );
      return;
    }
    const explicitId = typeof rule.id === 'string' && rule.id.trim() !== '' ? rule.id : undefined;
    const when = typeof rule.when === 'string' ? rule.when.trim().replace(/\s+/g, ' ') : undefined;
    const name =
      explicitId !== undefined ? `Alert "${explicitId}"` : `Alert #${i + 1}${when ? ` (${short(when)})` : ''}`;
    let ok = true;
    const error = (field: string | null, message: string): void => {
      ok = false;
      at('error', field, `${name} ${message}.`);
    };

    if (rule.id !== undefined && explicitId === undefined)
      error('id', `has an id that is not text (${describeJsonType(rule.id)})`);
    for (const key of Object.keys(rule)) {
      if (RULE_KEYS.includes(key)) continue;
      // "for" is forMs without its unit: a prefix is as good a hint as a typo.
      const hint =
        RULE_KEYS.find((k) => key.length >= 3 && k.toLowerCase().startsWith(key.toLowerCase())) ??
        closestName(key, RULE_KEYS);
      at(
        'warning',
        key,
        `${name} has an unknown key "${key}", which is ignored${hint ? ` (did you mean "${hint}"?)` : ''}.`,
      );
    }

    let condition: AlertCondition | undefined;
    if (when === undefined) {
      error(
        'when',
        rule.when === undefined
          ? 'has no "when", the condition it watches'
          : `has a "when" that is not text (${describeJsonType(rule.when)})`,
      );
    } else {
      const parsed = parseAlertCondition(when);
      if (!parsed.ok) error('when', parsed.error);
      else condition = parsed.condition;
    }
    if (condition && condition.subject.kind !== 'run') {
      const { kind, id } = condition.subject;
      const known = kind === 'edge' ? edges : nodes;
      if (!known.has(id)) {
        const hint = closestName(id, known.keys());
        error('when', `watches ${kind} "${id}", which does not exist${hint ? ` (did you mean "${hint}"?)` : ''}`);
      } else if (kind === 'edge' && condition.metric === 'lag') {
        const from = edges.get(id)?.from?.node;
        const source = typeof from === 'string' ? nodes.get(from) : undefined;
        if (source && source.type !== 'topic') {
          at(
            'warning',
            'when',
            `${name} watches the lag of edge "${id}", which is no topic subscription and has no lag, so it never fires.`,
          );
        }
      }
    }

    const forMs = holdMs(rule.forMs, 'forMs', error);
    const clearForMs = holdMs(rule.clearForMs, 'clearForMs', error);
    let notify: AlertNotify = 'none';
    if (rule.notify !== undefined) {
      if (typeof rule.notify === 'string' && (NOTIFY as readonly string[]).includes(rule.notify))
        notify = rule.notify as AlertNotify;
      else error('notify', `has notify ${quote(rule.notify)}; it must be "desktop" or "none"`);
    }

    const id = explicitId ?? when;
    if (id !== undefined) {
      const first = seen.get(id);
      if (first !== undefined) {
        error(
          explicitId !== undefined ? 'id' : 'when',
          explicitId !== undefined
            ? `has the same id as alert #${first + 1}; alert ids must be unique`
            : `has the same "when" as alert #${first + 1}; give one of them an "id"`,
        );
      } else {
        seen.set(id, i);
      }
    }
    if (ok && condition && id !== undefined && when !== undefined) {
      alerts.push({ id, when, condition, forMs, clearForMs, notify });
    }
  });
  return { alerts, problems };
}

function holdMs(value: unknown, field: string, error: (field: string, message: string) => void): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_ALERT_HOLD_MS) return value;
  error(
    field,
    `has ${field} ${quote(value)}; it must be a whole number of milliseconds from 0 to ${MAX_ALERT_HOLD_MS} (a day)`,
  );
  return 0;
}

function short(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function quote(v: unknown): string {
  return typeof v === 'string'
    ? JSON.stringify(v)
    : typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : describeJsonType(v);
}
