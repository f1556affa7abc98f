/**
 * Alert rules (SPEC §14) as they are written in a graph file's top-level `alerts` list, and the
 * small types the run's alert events carry. The grammar of `when`, the metrics it may name and
 * the evaluation live in `engine/graph/alerts`; this file holds only shapes.
 */
export interface AlertRule {
  /**
   * Names the alert in run events, on stderr and in `sluice_alert_firing{alert=…}`. Optional:
   * by default the alert is named by its `when` text, which is unique in most graphs.
   */
  id?: string;
  /** The condition, `<subject> <metric> <comparison> <threshold>`: "edge e3 lag > 1000". */
  when: string;
  /** How long (ms) the condition must hold before the alert fires. Default 0: at once. */
  forMs?: number;
  /** How long (ms) a firing alert's condition must have stopped holding before it clears. Default 0. */
  clearForMs?: number;
  /** Where a firing goes besides the app and stderr. Default "none". */
  notify?: AlertNotify;
  /** Unknown keys are kept so a save round-trips them. */
  [extra: string]: unknown;
}

/** Where an alert's firing is announced besides the run's events (the app, the CLI's stderr). */
export type AlertNotify =
  /** Also raise a desktop notification (a `notificationRequested` run event). */
  | 'desktop'
  /** Only the run's events: a line on stderr from the CLI, a mark in the app. */
  | 'none';

/** What an alert watches: one edge, one node, or the run as a whole. */
export type AlertSubject = { kind: 'edge'; id: string } | { kind: 'node'; id: string } | { kind: 'run' };

/** The comparisons a `when` may use. */
export type AlertComparison = '>' | '>=' | '<' | '<=' | '==';
