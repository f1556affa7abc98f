import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../../engine/contract/EngineApi.js';
import { alertIdOf, firingOn } from '../../../../renderer/store/alertSlice.js';
import { TestEditor, pipeline } from '../TestEditor.js';

const fired = (
  runId: string,
  alertId: string,
  subject: { kind: 'node' | 'edge'; id: string } | { kind: 'run' },
): RunEvent => ({
  type: 'alertFired',
  runId,
  alertId,
  when: alertId,
  subject,
  value: 12,
  since: 1,
  at: 2,
  message: `${alertId} 12 for 1 s`,
});

describe('alerts from the run’s events', () => {
  it('firing marks the subject and says so in a notice; clearing unmarks it; a new run starts with none', async () => {
    const t = new TestEditor().load(pipeline());
    t.validate();
    await t.run('run');
    t.engine.emit(fired('run-1', 'node double errors > 5', { kind: 'node', id: 'double' }));
    t.engine.emit(fired('run-1', 'lag', { kind: 'edge', id: 'e2' }));
    t.engine.emit(fired('run-9', 'other run', { kind: 'edge', id: 'e1' }));
    expect(Object.keys(t.state.firingAlerts)).toEqual(['node double errors > 5', 'lag']);
    expect(firingOn(t.state, 'node', 'double')).toBe('node double errors > 5 12 for 1 s');
    expect(firingOn(t.state, 'edge', 'e2')).toBe('lag 12 for 1 s');
    expect(firingOn(t.state, 'edge', 'e1')).toBe('');
    expect(t.state.notice).toMatchObject({ text: 'Alert fired: lag 12 for 1 s', tone: 'error' });
    t.engine.emit({
      type: 'alertCleared',
      runId: 'run-1',
      alertId: 'lag',
      when: 'edge e2 lag > 10',
      subject: { kind: 'edge', id: 'e2' },
      value: 3,
      at: 5,
      message: 'edge e2 lag 3, no longer > 10',
    });
    expect(firingOn(t.state, 'edge', 'e2')).toBe('');
    expect(t.state.notice?.text).toBe('Alert cleared: edge e2 lag 3, no longer > 10');
    expect(t.state.alertChanges.map((c) => c.kind)).toEqual(['fired', 'fired', 'cleared']);
    t.engine.emit({ type: 'runEnded', runId: 'run-1', status: 'finished' });
    await t.run('run');
    expect(t.state.firingAlerts).toEqual({});
  });

  it('names a rule as the engine does: its id, else its when with spaces collapsed', () => {
    expect(alertIdOf({ id: 'errors', when: 'node a errors > 1' })).toBe('errors');
    expect(alertIdOf({ when: '  edge  e3   lag > 1000 ' })).toBe('edge e3 lag > 1000');
  });
});
