import type { RingBuffer } from '../store/RingBuffer.js';

/**
 * One series as an inline SVG polyline, the minute of history left to right. NaN values (no
 * sample yet) are gaps. The y axis starts at zero for counts so a flat line reads as "steady",
 * not "noisy".
 */
export function Sparkline({
  ring,
  width = 120,
  height = 26,
  testId,
}: {
  ring: RingBuffer | undefined;
  width?: number;
  height?: number;
  testId?: string;
}) {
  const values = ring?.toArray() ?? [];
  let max = 0;
  for (const v of values) if (v > max) max = v;
  const step = ring && ring.capacity > 1 ? width / (ring.capacity - 1) : width;
  // Right-aligned: the newest value sits at the right edge, a young run fills from the right.
  const offset = ring ? (ring.capacity - values.length) * step : 0;
  const segments: string[] = [];
  let current: string[] = [];
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) {
      if (current.length) segments.push(current.join(' '));
      current = [];
      return;
    }
    const x = offset + i * step;
    const y = height - 1 - (max > 0 ? (v / max) * (height - 2) : 0);
    current.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  });
  if (current.length) segments.push(current.join(' '));
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      data-testid={testId}
      aria-hidden
    >
      {segments.map((points, i) => (
        <polyline key={i} points={points} fill="none" />
      ))}
    </svg>
  );
}
