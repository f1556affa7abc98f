import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../../engine/connectors/backoffDelay.js';

describe('backoffDelay', () => {
  const policy = { initialMs: 100, maxMs: 1000 };
  it('doubles per attempt, with half of each step random (equal jitter)', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(50);
    expect(backoffDelay(1, policy, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, () => 0)).toBe(200);
    expect(backoffDelay(3, policy, () => 1)).toBe(400);
  });
  it('is capped at maxMs however many attempts failed', () => {
    expect(backoffDelay(50, policy, () => 1)).toBe(1000);
    expect(backoffDelay(1e9, policy, () => 0)).toBe(500);
  });
});
