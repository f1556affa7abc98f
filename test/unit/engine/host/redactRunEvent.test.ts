import { describe, expect, it } from 'vitest';
import type { MetricsSnapshot, RunEvent } from '../../../../engine/contract/index.js';
import { redactRunEvent } from '../../../../engine/host/redactRunEvent.js';

const secrets = { PW: 'hunter22' };

describe('redactRunEvent', () => {
  it('removes keychain secrets from log lines, reasons and a connector’s last error in a frame', () => {
    const logged: RunEvent = {
      type: 'logged',
      runId: 'r',
      nodeId: 'in',
      level: 'error',
      message: 'auth hunter22 refused',
    };
    expect(redactRunEvent(logged, secrets)).toMatchObject({ message: 'auth ${keychain:PW} refused' });
    const ended: RunEvent = { type: 'runEnded', runId: 'r', status: 'failed', reason: 'bad hunter22' };
    expect(redactRunEvent(ended, secrets)).toMatchObject({ reason: 'bad ${keychain:PW}' });
    const snapshot = {
      t: 0,
      run: {},
      edges: {},
      nodes: {
        in: { connection: { state: 'reconnecting', attempts: 2, error: 'NATS at x: hunter22?', lag: null } },
        out: { in: 1 },
      },
    } as unknown as MetricsSnapshot;
    const frame = redactRunEvent({ type: 'metricsPublished', runId: 'r', snapshot }, secrets);
    expect(frame).toMatchObject({
      snapshot: { nodes: { in: { connection: { error: 'NATS at x: ${keychain:PW}?' } } } },
    });
    // The runtime's own frame is not changed in place.
    expect(snapshot.nodes.in!.connection!.error).toBe('NATS at x: hunter22?');
  });

  it('hands back the same event when there is nothing to redact', () => {
    const snapshot = { t: 0, run: {}, edges: {}, nodes: { out: { in: 1 } } } as unknown as MetricsSnapshot;
    const frame: RunEvent = { type: 'metricsPublished', runId: 'r', snapshot };
    expect(redactRunEvent(frame, secrets)).toBe(frame);
    const logged: RunEvent = { type: 'logged', runId: 'r', nodeId: null, level: 'info', message: 'hunter22' };
    expect(redactRunEvent(logged, {})).toBe(logged);
  });
});
