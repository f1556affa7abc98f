import { useShallow } from 'zustand/react/shallow';
import type { AlertRule } from '../../engine/contract/alert.js';
import type { GraphFile } from '../../engine/contract/graphFile.js';
import { isRecord } from '../../engine/graph/isRecord.js';
import { parseAlertCondition } from '../../engine/graph/alerts/parseAlertCondition.js';
import { useEditor } from '../EditorContext.js';
import { alertIdOf } from '../store/alertSlice.js';
import { useEditorStore } from '../store/useEditorStore.js';
import '../panels/debugTools.css';

type Subject = { kind: 'node' | 'edge'; id: string };

/** The rule a new alert starts from: a figure that usually means trouble for that subject. */
function starter(subject: Subject | undefined): AlertRule {
  if (!subject) return { when: 'run errors > 0', forMs: 0 };
  const id = /^[A-Za-z0-9_.-]+$/.test(subject.id) ? subject.id : JSON.stringify(subject.id);
  return subject.kind === 'node'
    ? { when: `node ${id} errors > 0`, forMs: 0 }
    : { when: `edge ${id} backpressure > 50%`, forMs: 5000 };
}

function rulesOf(graph: GraphFile): unknown[] {
  return Array.isArray(graph.alerts) ? graph.alerts : [];
}

/** Whether a rule watches `subject` (by parsing its `when`; a rule that does not parse shows everywhere it names). */
function watches(rule: unknown, subject: Subject | undefined): boolean {
  if (!subject) return true;
  if (!isRecord(rule) || typeof rule.when !== 'string') return false;
  const parsed = parseAlertCondition(rule.when);
  if (parsed.ok) {
    const s = parsed.condition.subject;
    return s.kind === subject.kind && s.id === subject.id;
  }
  return rule.when.trim().startsWith(`${subject.kind} ${subject.id} `);
}

function withRule(graph: GraphFile, index: number, patch: Record<string, unknown> | null): GraphFile {
  const rules = rulesOf(graph).slice();
  if (patch === null) rules.splice(index, 1);
  else {
    const next: Record<string, unknown> = { ...(isRecord(rules[index]) ? rules[index] : {}) };
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    rules[index] = next;
  }
  if (rules.length > 0) return { ...graph, alerts: rules as AlertRule[] };
  const { alerts: _gone, ...rest } = graph;
  return rest as GraphFile;
}

const msValue = (raw: string): number | undefined => (raw === '' ? undefined : Number(raw));

/**
 * The graph's alert rules (SPEC §14, top-level `alerts`), edited in place: the condition, how
 * long it must hold before firing and stop holding before clearing, and whether it raises a
 * desktop notification. In a node's or edge's inspector only the rules on it are shown, and a
 * new rule starts on it. A rule firing in the run is marked; its problems show under it.
 */
export function AlertRules({ subject }: { subject?: Subject }) {
  const { store } = useEditor();
  const rules = useEditorStore((s) => s.graph.alerts);
  const firing = useEditorStore((s) => s.firingAlerts);
  const problems = useEditorStore(useShallow((s) => s.problems.filter((p) => p.field?.startsWith('alerts'))));
  const list = Array.isArray(rules) ? (rules as unknown[]) : [];
  const shown = list.map((rule, index) => ({ rule, index })).filter(({ rule }) => watches(rule, subject));
  const commit = (update: (g: GraphFile) => GraphFile, key?: string) => {
    const s = store.getState();
    s.commitDocument(update(s.graph), key ? { coalesce: key } : undefined);
  };
  return (
    <div className="field" data-testid="alert-rules">
      <div className="section-title">Alerts</div>
      <div className="alert-rules">
        {shown.map(({ rule, index }) => {
          const r = isRecord(rule) ? rule : {};
          const id = alertIdOf(r);
          const on = firing[id] !== undefined;
          const mine = problems.filter(
            (p) => p.field === `alerts[${index}]` || p.field?.startsWith(`alerts[${index}].`),
          );
          return (
            <div key={index} className={`alert-rule${on ? ' firing' : ''}`} data-testid={`alert-rule-${index}`}>
              <label className="when">
                When{on && <span className="sl-alert-badge">firing</span>}
                <input
                  type="text"
                  value={typeof r.when === 'string' ? r.when : ''}
                  placeholder="edge e3 lag > 1000"
                  data-testid={`alert-when-${index}`}
                  onChange={(e) => commit((g) => withRule(g, index, { when: e.target.value }), `alert:${index}:when`)}
                />
              </label>
              <label title="How long the condition must hold before the alert fires">
                for (ms)
                <input
                  type="number"
                  min={0}
                  step={1000}
                  value={typeof r.forMs === 'number' ? r.forMs : ''}
                  placeholder="0"
                  data-testid={`alert-for-${index}`}
                  onChange={(e) =>
                    commit((g) => withRule(g, index, { forMs: msValue(e.target.value) }), `alert:${index}:for`)
                  }
                />
              </label>
              <label title="How long the condition must stop holding before the alert clears">
                clear after (ms)
                <input
                  type="number"
                  min={0}
                  step={1000}
                  value={typeof r.clearForMs === 'number' ? r.clearForMs : ''}
                  placeholder="0"
                  onChange={(e) =>
                    commit((g) => withRule(g, index, { clearForMs: msValue(e.target.value) }), `alert:${index}:clear`)
                  }
                />
              </label>
              <label>
                notify
                <select
                  value={r.notify === 'desktop' ? 'desktop' : 'none'}
                  data-testid={`alert-notify-${index}`}
                  onChange={(e) =>
                    commit((g) => withRule(g, index, { notify: e.target.value === 'desktop' ? 'desktop' : undefined }))
                  }
                >
                  <option value="none">in the app</option>
                  <option value="desktop">+ desktop</option>
                </select>
              </label>
              <button
                className="sl-organise-x"
                title="Remove this alert"
                data-testid={`alert-remove-${index}`}
                onClick={() => commit((g) => withRule(g, index, null))}
              >
                ×
              </button>
              {mine.map((p, i) => (
                <div key={i} className={`alert-problem ${p.severity}`}>
                  {p.message}
                </div>
              ))}
            </div>
          );
        })}
      </div>
      <button
        className="debug-small"
        data-testid="alert-add"
        onClick={() => commit((g) => ({ ...g, alerts: [...(rulesOf(g) as AlertRule[]), starter(subject)] }))}
      >
        + Add alert
      </button>
      <div className="field-doc">
        <code>{'<edge ID | node ID | run> <metric> <comparison> <number>'}</code>, e.g.{' '}
        <code>edge e3 lag &gt; 1000</code>, <code>node price errors &gt; 5</code>,{' '}
        <code>run backpressure &gt;= 80%</code>. Metrics: see the README.
      </div>
    </div>
  );
}
