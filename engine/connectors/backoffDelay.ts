/** How a connection retries: exponential from `initialMs`, capped at `maxMs`, with jitter. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 10_000 };

/**
 * The wait before attempt `attempt` (1 = the first retry): "equal jitter" (AWS architecture
 * blog): half the exponential step fixed, half random, so many nodes that lost one broker do not
 * come back in lockstep, and no wait is ever near zero.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random = Math.random): number {
  const step = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(step / 2 + (random() * step) / 2);
}
