import type { EdgeMetrics, NodeMetrics, NodeStatus, RunStatus } from '../../engine/contract/metrics.js';
import { pressureLevel, type PressureLevel } from './findBottleneck.js';
import { formatCount, formatMs, formatRate } from './format.js';

/**
 * What the live layer shows for an edge and a node in one frame, as plain strings and flags.
 * The canvas draws these, and the same views are mirrored onto the DOM hit boxes (aria-label,
 * data attributes) for screen readers and tests, so what is read and what is drawn cannot differ.
 */

/** A run that will publish no more frames: its exact totals are final and worth showing. */
export const isFinal = (status: RunStatus | null | undefined): boolean =>
  status === 'finished' || status === 'stopped' || status === 'failed';

export interface EdgeLabelView {
  /** "400/s": two significant digits, so jitter keeps the text; "20k in all" once the run is over. */
  rate: string;
  /** "12/1k": queued / capacity. */
  queue: string;
  /** "lag 3.4k" on topic subscriptions; "wm idle" where the producer is idle (SPEC §12); else "". */
  lag: string;
  level: PressureLevel;
  flowing: boolean;
  /** The exact total once the run is over, else "". */
  total: string;
}

export function edgeLabelView(m: EdgeMetrics, final: boolean): EdgeLabelView {
  return {
    // A run that is over flows at no rate: its label says what crossed the edge in all.
    rate: final ? `${formatCount(m.total)} in all` : formatRate(m.rate),
    queue: `${formatCount(m.queued)}/${formatCount(m.capacity)}`,
    lag: m.lag !== undefined ? `lag ${formatCount(m.lag)}` : m.idle ? 'wm idle' : '',
    // Once the run is over its last frame's queues are history, not pressure.
    level: final ? 'idle' : pressureLevel(m),
    flowing: !final && m.rate > 0,
    total: final ? String(m.total) : '',
  };
}

/** The label as a sentence: "400/s, 12 of 1k queued, calm". */
export function edgeLabelText(v: EdgeLabelView): string {
  const [queued, capacity] = v.queue.split('/');
  return `${v.rate}, ${queued} of ${capacity} queued${v.lag ? `, ${v.lag}` : ''}, ${v.level}`;
}

export interface NodeBadgeView {
  status: NodeStatus;
  in: string;
  out: string;
  errors: string;
  dropped: string;
  hasErrors: boolean;
  hasDropped: boolean;
  /** Busy share in whole 5 % steps: finer jitter is noise. */
  busy: number;
  /** "12k" when the node keeps state, else "". */
  state: string;
  /** Window nodes: "12:00:01 · 2.1 s behind newest" or "none yet"; others "". */
  watermark: string;
  /** Exact in, out, errors and drops once the run is over. */
  exact: { in: number; out: number; errors: number; dropped: number } | null;
  /** Event-time nodes: "3 late" once events went to `late`, else "". */
  late: string;
}

/**
 * An edge's event time for its hover card: the watermark, how far it trails the newest event
 * time sent on the edge (event time, not the wall clock), and whether the producer is idle.
 */
export function edgeWatermarkText(m: EdgeMetrics): string {
  const wm = m.watermark;
  if (wm === undefined || wm === null) return '';
  if (wm === Number.POSITIVE_INFINITY) return 'end of input';
  const parts = [clock(wm)];
  if (m.newestTime !== undefined && m.newestTime !== null)
    parts.push(`${formatMs(Math.max(0, m.newestTime - wm))} behind the newest event`);
  if (m.idle) parts.push('idle');
  return parts.join(' · ');
}

/** The wall-clock time of a watermark, to the second. */
function clock(ms: number): string {
  const d = new Date(ms);
  return Number.isFinite(d.getTime()) ? d.toLocaleTimeString([], { hour12: false }) : '–';
}

/**
 * A window's watermark: its time, and how far it trails the newest event time the node has
 * seen (not the wall clock: events of 2023 replayed today are not "1.1k d behind").
 */
function watermarkText(m: NodeMetrics): string {
  if (m.watermark === null) return 'none yet';
  const newest = m.eventTime;
  if (newest === undefined || newest === null || !Number.isFinite(newest)) return clock(m.watermark);
  return `${clock(m.watermark)} · ${formatMs(Math.max(0, newest - m.watermark))} behind newest`;
}

export function nodeBadgeView(m: NodeMetrics, watermarked: boolean, final: boolean): NodeBadgeView {
  return {
    status: m.status,
    in: formatCount(m.in),
    out: formatCount(m.out),
    errors: formatCount(m.errors),
    dropped: formatCount(m.dropped),
    hasErrors: m.errors > 0,
    hasDropped: m.dropped > 0,
    busy: Math.round(Math.max(0, Math.min(1, m.busy)) * 20) * 5,
    state: m.stateSize > 0 ? formatCount(m.stateSize) : '',
    watermark: watermarked ? watermarkText(m) : '',
    exact: final ? { in: m.in, out: m.out, errors: m.errors, dropped: m.dropped } : null,
    late: m.late ? `${formatCount(m.late)} late` : '',
  };
}

/** The badges as a sentence: "in 1.2k, out 1.2k, 3 errors, 0 dropped, 35% busy". */
export function nodeBadgeText(v: NodeBadgeView): string {
  const parts = [
    ...(v.status === 'failed' ? ['failed'] : []),
    `in ${v.in}`,
    `out ${v.out}`,
    `${v.errors} errors`,
    `${v.dropped} dropped`,
    `${v.busy}% busy`,
  ];
  if (v.state) parts.push(`state ${v.state}`);
  if (v.watermark) parts.push(`watermark ${v.watermark}`);
  if (v.late) parts.push(v.late);
  return parts.join(', ');
}
