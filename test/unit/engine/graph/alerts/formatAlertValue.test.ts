import { describe, expect, it } from 'vitest';
import { formatDuration, formatNumber } from '../../../../../engine/graph/alerts/formatAlertValue.js';

describe('formatNumber', () => {
  it('groups whole numbers by thousands and keeps the digits that matter of others', () => {
    expect(formatNumber(1204)).toBe('1,204');
    expect(formatNumber(-3)).toBe('-3');
    expect(formatNumber(1234.56)).toBe('1,235');
    expect(formatNumber(73.44)).toBe('73.4');
    expect(formatNumber(2.256)).toBe('2.26');
    expect(formatNumber(0.73333)).toBe('0.733');
  });
});

describe('formatDuration', () => {
  it('says milliseconds below a second, seconds below a minute, then minutes', () => {
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(10_000)).toBe('10 s');
    expect(formatDuration(1_540)).toBe('1.5 s');
    expect(formatDuration(120_000)).toBe('2 min');
    expect(formatDuration(90_000)).toBe('1 min 30 s');
    expect(formatDuration(179_800)).toBe('3 min');
  });
});
