import type { AlertComparison } from '../../contract/alert.js';
import type { MetricsSnapshot } from '../../contract/metrics.js';
import { alertMetric, type AlertMetric } from './alertMetrics.js';
import { formatAlertValue, formatDuration } from './formatAlertValue.js';
import { describeSubject } from './parseAlertCondition.js';
import type { AlertDefinition } from './readAlerts.js';

/** An alert that changed state on a frame (or at the end of the run). */
export type AlertTransition =
  | {
      kind: 'fired';
      alert: AlertDefinition;
      value: number;
      /** Wall-clock ms of the first frame where the condition held. */
      since: number;
      /** Wall-clock ms of the frame that fired it. */
      at: number;
      /** "edge e3 lag 1,204 > 1000 for 10 s" */
      message: string;
    }
  | {
      kind: 'cleared';
      alert: AlertDefinition;
      /** null when the run ended, or the frame had no such figure. */
      value: number | null;
      at: number;
      /** "edge e3 lag 12, no longer > 1000 (fired for 14 s)" */
      message: string;
      /** Set when the run's end cleared it: "the run finished". */
      reason?: string;
    };

interface AlertState {
  readonly alert: AlertDefinition;
  readonly metric: AlertMetric;
  /** Frame time since which the condition has held (not firing), else null. */
  holdingSince: number | null;
  firing: boolean;
  firedAt: number;
  /** Frame time since which a firing alert's condition has not held, else null. */
  failingSince: number | null;
  /** Cumulative totals of the last second or so, for `perSecond` metrics: [t, total]. */
  samples: Array<[number, number]>;
}

/** A rate over at least this much of frames, as the frame's own rates are "over the last second". */
const RATE_WINDOW_MS = 1000;

/**
 * Evaluates alert rules against metrics frames (SPEC §14). Pure and isomorphic: it knows only
 * the frames it is fed and their times (`frame.t`), no clock and no timers, so a test drives it
 * with frames it builds and the run's frames come from whoever listens to the run.
 *
 * Per alert and frame:
 * 1. read the figure (a `perSecond` metric: the cumulative total's change over the last second
 *    of frames; a total that went down, a reset, starts that window again);
 * 2. not firing: the condition holding starts or continues a hold; once it has held `forMs`
 *    (from the first frame where it held to this one) the alert fires. One frame where it does
 *    not hold ends the hold, so one noisy frame neither fires nor delays a clear;
 * 3. firing: the condition not holding for `clearForMs` clears it; holding again meanwhile
 *    cancels the clear. A missing figure (null) counts as not holding.
 *
 * State is per alert and lives as long as the evaluator: one evaluator per run, so a run that
 * restarts from a checkpoint after a crash keeps its alerts' state, and a new run starts clean.
 */
export class AlertEvaluator {
  private readonly states: AlertState[];

  constructor(alerts: readonly AlertDefinition[]) {
    this.states = alerts.map((alert) => {
      const metric = alertMetric(alert.condition.subject.kind, alert.condition.metric);
      // readAlerts only passes metrics it found, so this is a programming error, not a user's.
      if (!metric) throw new Error(`alert ${alert.id}: no metric ${alert.condition.metric}`);
      return { alert, metric, holdingSince: null, firing: false, firedAt: 0, failingSince: null, samples: [] };
    });
  }

  /** Feed one frame; returns the alerts that fired or cleared on it, in rule order. */
  observe(frame: MetricsSnapshot): AlertTransition[] {
    const out: AlertTransition[] = [];
    for (const s of this.states) {
      const value = this.value(s, frame);
      const c = s.alert.condition;
      const holds = value !== null && compare(value, c.comparison, c.threshold);
      if (!s.firing) {
        if (!holds) {
          s.holdingSince = null;
          continue;
        }
        s.holdingSince ??= frame.t;
        if (frame.t - s.holdingSince < s.alert.forMs) continue;
        s.firing = true;
        s.firedAt = frame.t;
        s.failingSince = null;
        out.push({
          kind: 'fired',
          alert: s.alert,
          value: value as number,
          since: s.holdingSince,
          at: frame.t,
          message: firedMessage(s.alert, value as number),
        });
        continue;
      }
      if (holds) {
        s.failingSince = null;
        continue;
      }
      s.failingSince ??= frame.t;
      if (frame.t - s.failingSince < s.alert.clearForMs) continue;
      out.push({
        kind: 'cleared',
        alert: s.alert,
        value,
        at: frame.t,
        message: `${subjectMetric(s.alert)} ${value === null ? 'has no figure' : formatAlertValue(value, c)}, no longer ${c.comparison} ${c.thresholdText} (fired for ${formatDuration(frame.t - s.firedAt)})`,
      });
      this.reset(s);
    }
    return out;
  }

  /**
   * The run ended (`why`: "the run finished"): every firing alert clears, since nothing is
   * measured any more; holds in progress are dropped.
   */
  end(at: number, why: string): AlertTransition[] {
    const out: AlertTransition[] = [];
    for (const s of this.states) {
      if (s.firing) {
        const c = s.alert.condition;
        out.push({
          kind: 'cleared',
          alert: s.alert,
          value: null,
          at,
          reason: why,
          message: `${subjectMetric(s.alert)} ${c.comparison} ${c.thresholdText}: ${why} (fired for ${formatDuration(Math.max(0, at - s.firedAt))})`,
        });
      }
      this.reset(s);
      s.samples = [];
    }
    return out;
  }

  /** Which alerts fire now, by id (for exporters and tests). */
  firing(): Map<string, boolean> {
    return new Map(this.states.map((s) => [s.alert.id, s.firing]));
  }

  private value(s: AlertState, frame: MetricsSnapshot): number | null {
    const subject = s.alert.condition.subject;
    const raw = s.metric.read(frame, subject.kind === 'run' ? '' : subject.id);
    if (!s.metric.perSecond) return raw;
    if (raw === null) {
      s.samples = [];
      return null;
    }
    const last = s.samples[s.samples.length - 1];
    // A total that went down was reset (counters restarted), and time that went back was a
    // clock step: measure from here. Two frames in the same ms (the final one) are one sample.
    if (last && (raw < last[1] || frame.t < last[0])) s.samples = [];
    if (last && frame.t === last[0] && s.samples.length > 0) s.samples[s.samples.length - 1] = [frame.t, raw];
    else s.samples.push([frame.t, raw]);
    // Keep the newest sample at least a window old as the base, and what came after it.
    while (s.samples.length > 2 && (s.samples[1] as [number, number])[0] <= frame.t - RATE_WINDOW_MS) s.samples.shift();
    const [t0, v0] = s.samples[0] as [number, number];
    if (t0 === frame.t) return null;
    return ((raw - v0) / (frame.t - t0)) * 1000;
  }

  private reset(s: AlertState): void {
    s.firing = false;
    s.holdingSince = null;
    s.failingSince = null;
  }
}

function compare(v: number, op: AlertComparison, threshold: number): boolean {
  switch (op) {
    case '>':
      return v > threshold;
    case '>=':
      return v >= threshold;
    case '<':
      return v < threshold;
    case '<=':
      return v <= threshold;
    case '==':
      return v === threshold;
  }
}

function subjectMetric(alert: AlertDefinition): string {
  return `${describeSubject(alert.condition.subject)} ${alert.condition.metric}`;
}

function firedMessage(alert: AlertDefinition, value: number): string {
  const c = alert.condition;
  const held = alert.forMs > 0 ? ` for ${formatDuration(alert.forMs)}` : '';
  return `${subjectMetric(alert)} ${formatAlertValue(value, c)} ${c.comparison} ${c.thresholdText}${held}`;
}
