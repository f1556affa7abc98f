import type { StateCreator } from 'zustand';
import type { AlertSubject } from '../../engine/contract/alert.js';
import type { RunEvent } from '../../engine/contract/EngineApi.js';
import type { EditorState } from './editorState.js';

type AlertEvent = Extract<RunEvent, { type: 'alertFired' | 'alertCleared' }>;

/** An alert firing now, from its `alertFired` run event. */
export interface FiringAlert {
  alertId: string;
  when: string;
  subject: AlertSubject;
  value: number;
  since: number;
  message: string;
}

/** One change of an alert, for the list of what fired and cleared. */
export interface AlertChange {
  seq: number;
  kind: 'fired' | 'cleared';
  alertId: string;
  subject: AlertSubject;
  at: number;
  message: string;
}

/** Changes kept in the list. */
export const ALERT_CHANGES_KEEP = 200;

/**
 * Alerts of the run this window started (SPEC §14), from the run events the engine sends:
 * which fire now (badges on their node or edge, the banner over the canvas) and what fired and
 * cleared (notices, and the list under the banner).
 *
 * | key          | kept    | why                                                    |
 * |--------------|---------|--------------------------------------------------------|
 * | firingAlerts | session | alert id → what fired it; emptied when a run starts    |
 * | alertChanges | session | newest fired/cleared changes, at most ALERT_CHANGES_KEEP |
 */
export interface AlertSlice {
  firingAlerts: Readonly<Record<string, FiringAlert>>;
  alertChanges: readonly AlertChange[];
  /** Apply an `alertFired`/`alertCleared` event of this window's run. */
  alertChanged(event: AlertEvent): void;
  /** A new run starts: nothing fires yet. */
  resetFiringAlerts(): void;
}

export const createAlertSlice: StateCreator<EditorState, [], [], AlertSlice> = (set, get) => {
  let seq = 0;
  return {
    firingAlerts: {},
    alertChanges: [],
    alertChanged(event) {
      const firing = { ...get().firingAlerts };
      const fired = event.type === 'alertFired';
      if (fired) {
        firing[event.alertId] = {
          alertId: event.alertId,
          when: event.when,
          subject: event.subject,
          value: event.value,
          since: event.since,
          message: event.message,
        };
      } else {
        delete firing[event.alertId];
      }
      const change: AlertChange = {
        seq: ++seq,
        kind: fired ? 'fired' : 'cleared',
        alertId: event.alertId,
        subject: event.subject,
        at: event.at,
        message: event.message,
      };
      const changes = get().alertChanges;
      set({
        firingAlerts: firing,
        alertChanges:
          changes.length >= ALERT_CHANGES_KEEP
            ? [...changes.slice(1 - ALERT_CHANGES_KEEP), change]
            : [...changes, change],
      });
      get().notify(`Alert ${fired ? 'fired' : 'cleared'}: ${event.message}`, fired ? 'error' : 'info');
    },
    resetFiringAlerts() {
      if (Object.keys(get().firingAlerts).length > 0) set({ firingAlerts: {} });
    },
  };
};

/** The ids of alerts firing on `subject` (a node or edge id of that kind), for badges. */
export function firingOn(s: EditorState, kind: 'node' | 'edge', id: string): string {
  let ids = '';
  for (const a of Object.values(s.firingAlerts)) {
    if (a.subject.kind === kind && a.subject.id === id) ids += ids ? `, ${a.message}` : a.message;
  }
  return ids;
}

/** The id a rule's events carry: its `id`, else its `when` with runs of spaces collapsed. */
export function alertIdOf(rule: { id?: unknown; when?: unknown }): string {
  if (typeof rule.id === 'string' && rule.id !== '') return rule.id;
  return typeof rule.when === 'string' ? rule.when.trim().replace(/\s+/g, ' ') : '';
}
