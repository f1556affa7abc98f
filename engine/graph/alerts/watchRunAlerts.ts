import type { RunEvent, Unsubscribe } from '../../contract/EngineApi.js';
import type { GraphFile } from '../../contract/graphFile.js';
import { AlertEvaluator, type AlertTransition } from './AlertEvaluator.js';
import { readAlerts } from './readAlerts.js';

/** The part of a run this needs: its id and its events. */
export interface WatchedRun {
  readonly runId: string;
  subscribe(listener: (event: RunEvent) => void): Unsubscribe;
}

export interface WatchRunAlertsOptions {
  /**
   * Raise `notificationRequested` for alerts with `notify: "desktop"` (the app). The CLI passes
   * false: its "alert fired: …" line on stderr is already the terminal's notification.
   */
  desktopNotifications?: boolean;
  /** Wall clock for the end of a run, which has no frame; `Date.now` by default. */
  now?: () => number;
}

/**
 * Evaluate a graph's alert rules on a run (SPEC §14): listens to the run's `metricsPublished`
 * frames and emits `alertFired` / `alertCleared` (and, for `notify: "desktop"`, a
 * `notificationRequested`) through `emit`, for the CLI and the app alike. When the run's status
 * turns final, firing alerts clear with the reason, before the run's `runEnded` reaches the
 * listeners subscribed earlier than this. A graph without alerts costs no subscription.
 *
 * The graph must have passed `validate` (a run refuses one that has not); rules with problems
 * are skipped. Returns the unsubscribe.
 */
export function watchRunAlerts(
  graph: GraphFile,
  run: WatchedRun,
  emit: (event: RunEvent) => void,
  options: WatchRunAlertsOptions = {},
): Unsubscribe {
  const { alerts } = readAlerts(graph);
  if (alerts.length === 0) return () => undefined;
  const evaluator = new AlertEvaluator(alerts);
  const now = options.now ?? Date.now;
  let ended = false;
  const send = (transitions: AlertTransition[]): void => {
    for (const t of transitions) {
      const common = { runId: run.runId, alertId: t.alert.id, when: t.alert.when, subject: t.alert.condition.subject };
      if (t.kind === 'fired') {
        emit({ type: 'alertFired', ...common, value: t.value, since: t.since, at: t.at, message: t.message });
        if (t.alert.notify === 'desktop' && options.desktopNotifications !== false) {
          const subject = t.alert.condition.subject;
          emit({
            type: 'notificationRequested',
            runId: run.runId,
            // The event names a node; an edge or run alert has none, and '' shows as none.
            nodeId: subject.kind === 'node' ? subject.id : '',
            title: `Alert in ${graph.name}`,
            body: t.message,
          });
        }
      } else {
        emit({
          type: 'alertCleared',
          ...common,
          value: t.value,
          at: t.at,
          message: t.message,
          ...(t.reason !== undefined ? { reason: t.reason } : {}),
        });
      }
    }
  };
  let unsubscribe: Unsubscribe | null = null;
  unsubscribe = run.subscribe((event) => {
    if (ended) return;
    if (event.type === 'metricsPublished') {
      send(evaluator.observe(event.snapshot));
    } else if (
      (event.type === 'runStatusChanged' &&
        (event.status === 'finished' || event.status === 'stopped' || event.status === 'failed')) ||
      event.type === 'runEnded'
    ) {
      ended = true;
      send(evaluator.end(now(), `the run ${event.status}`));
      unsubscribe?.();
    }
  });
  return () => unsubscribe?.();
}
