/** Short numbers for labels on the canvas: 950, 1.2k, 34k, 1.2M. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const a = Math.abs(n);
  if (a < 1000) return a < 10 && !Number.isInteger(n) ? n.toFixed(1) : String(Math.round(n));
  if (a < 10_000) return `${(n / 1000).toFixed(1)}k`;
  if (a < 1_000_000) return `${Math.round(n / 1000)}k`;
  if (a < 10_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  return `${Math.round(n / 1_000_000)}M`;
}

/**
 * "1.2k/s", "400/s": two significant digits, so a rate that jitters by a few events a second
 * keeps its text, and a label stays still instead of flickering between 398 and 402.
 */
export function formatRate(perSec: number): string {
  if (!Number.isFinite(perSec) || perSec <= 0) return '0/s';
  if (perSec < 10) return `${perSec < 1 ? perSec.toFixed(1) : Math.round(perSec)}/s`;
  const digits = Math.floor(Math.log10(perSec)) + 1;
  const unit = 10 ** (digits - 2);
  return `${formatCount(Math.round(perSec / unit) * unit)}/s`;
}

/** "512 B", "3.4 KB", "12 MB" */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** "0:07", "1:02:03" for elapsed time. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "3 ms", "1.2 s", "4 min" for latencies and delays. */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 48 * 3_600_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${formatCount(Math.round(ms / 86_400_000))} d`;
}

/** "97%" */
export function formatShare(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** Stroke width for an edge carrying `rate` events/s: log scale, 1.5 px idle to 9 px at ~1M/s. */
export function strokeWidthFor(rate: number): number {
  if (!(rate > 0)) return 1.5;
  return Math.min(9, 1.5 + Math.log10(1 + rate) * 1.25);
}

/**
 * What a group member's canvas covers: "partitions 0, 2 of 4 on this member", runs of
 * neighbours joined ("partitions 0–3, 8 of 12 …"); past 6 runs only the count
 * ("40 of 128 partitions on this member").
 */
export function formatHeldPartitions(held: readonly number[], of: number): string {
  if (held.length === 0) return `0 of ${of} partitions on this member`;
  const runs: string[] = [];
  for (let i = 0; i < held.length;) {
    let j = i;
    while (j + 1 < held.length && held[j + 1] === held[j]! + 1) j++;
    runs.push(j === i ? String(held[i]) : j === i + 1 ? `${held[i]}, ${held[j]}` : `${held[i]}–${held[j]}`);
    i = j + 1;
  }
  if (runs.length > 6) return `${held.length} of ${of} partitions on this member`;
  return `partition${held.length === 1 ? '' : 's'} ${runs.join(', ')} of ${of} on this member`;
}
