import { UserError } from '../operator.js';

/**
 * The one sentence a peer is told about a failed call. A `UserError` travels as it is; anything
 * else is a bug, so the peer gets its first line only (never a stack, which would leak paths and
 * mean nothing to a person) and the host logs the whole error.
 */
export function describeError(err: unknown): { message: string; isUserError: boolean } {
  if (err instanceof UserError) return { message: err.message, isUserError: true };
  const raw = err instanceof Error ? err.message : String(err);
  const firstLine = raw.split('\n', 1)[0]?.trim() || 'unknown error';
  return { message: `The engine failed: ${firstLine}`, isUserError: false };
}
