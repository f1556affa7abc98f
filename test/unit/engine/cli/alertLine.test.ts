import { describe, expect, it } from 'vitest';
import { alertLine } from '../../../../engine/cli/alertLine.js';

describe('alertLine', () => {
  it('prints an alert named by its condition as the condition alone', () => {
    expect(
      alertLine({
        type: 'alertFired',
        runId: 'r',
        alertId: 'edge e3 lag > 1000',
        when: 'edge e3 lag > 1000',
        subject: { kind: 'edge', id: 'e3' },
        value: 1204,
        since: 0,
        at: 10_000,
        message: 'edge e3 lag 1,204 > 1000 for 10 s',
      }),
    ).toBe('alert fired: edge e3 lag 1,204 > 1000 for 10 s');
  });

  it('names an alert that has an id of its own', () => {
    expect(
      alertLine({
        type: 'alertCleared',
        runId: 'r',
        alertId: 'lag-high',
        when: 'edge e3 lag > 1000',
        subject: { kind: 'edge', id: 'e3' },
        value: 12,
        at: 24_000,
        message: 'edge e3 lag 12, no longer > 1000 (fired for 14 s)',
      }),
    ).toBe('alert lag-high cleared: edge e3 lag 12, no longer > 1000 (fired for 14 s)');
  });
});
