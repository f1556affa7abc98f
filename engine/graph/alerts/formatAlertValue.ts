import type { AlertCondition } from './parseAlertCondition.js';

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * A metric value written the way the alert's threshold is ("1,204", "73%", "1.2 s", "1.5k/s"),
 * so "lag 1,204 > 1000" and "backpressure 73% > 50%" read as one comparison.
 */
export function formatAlertValue(value: number, condition: AlertCondition): string {
  return formatNumber(value / condition.display.divisor) + condition.display.suffix;
}

/** Whole numbers grouped by thousands; others with the digits that matter at their size. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (Number.isInteger(v) || a >= 100) return grouped.format(v);
  const digits = a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return String(Number(v.toFixed(digits)));
}

/** "250 ms", "10 s", "1.5 s", "2 min", "1 min 30 s": how long an alert held or fired. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds === 0 || seconds === 60 ? `${minutes + (seconds === 60 ? 1 : 0)} min` : `${minutes} min ${seconds} s`;
}
