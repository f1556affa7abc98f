import { describe, expect, it } from 'vitest';
import type { GraphFile } from '../../../../engine/contract/graphFile.js';
import { GROUP_CHOICE_KEY, startGroupRun } from '../../../../renderer/actions/runActions.js';
import { TestEditor, pipeline } from '../TestEditor.js';

/** The test pipeline, split into `partitions` for a group run. */
const split = (partitions = 6): GraphFile => ({ ...pipeline(), settings: { partitions } });

describe('Run as group member', () => {
  it('opens its dialog from the Run menu, or asks for trust first and then opens it', async () => {
    const t = new TestEditor().load(split());
    t.validate();
    await t.run('runGroup');
    expect(t.state.dialog).toEqual({ kind: 'groupRun' });
    const u = new TestEditor().load(split(), { trusted: false });
    u.validate();
    await u.run('runGroup');
    expect(u.state.dialog).toEqual({ kind: 'trust', then: 'group' });
    expect(u.engine.callsOf('startGroupRun')).toEqual([]);
  });

  it('is disabled for the reasons Run is (an invalid graph, a run going on)', async () => {
    const t = new TestEditor();
    expect(t.editor.actions.disabledReason('runGroup')).toBe('Add nodes to run the graph.');
    t.load(split());
    t.validate();
    await t.run('run');
    expect(t.editor.actions.disabledReason('runGroup')).toBe('The graph is running; stop it first.');
  });

  it('starts the graph as a member with its file, group and NATS, opens the Group panel, and Stop leaves', async () => {
    const t = new TestEditor().load(split(), { filePath: '/g/p.sluice.json' });
    t.validate();
    const refused = await startGroupRun(t.editor.actionContext, { group: ' orders ', natsUrl: 'bus' });
    expect(refused).toBeNull();
    expect(t.engine.callsOf('startGroupRun')).toEqual([
      [{ graph: t.state.graph, path: '/g/p.sluice.json', trusted: true, group: 'orders', natsUrl: 'bus' }],
    ]);
    expect(t.state).toMatchObject({ runId: 'group-1', runPhase: 'live', runPanel: 'group' });
    expect(t.state.groupRun).toMatchObject({ group: 'orders', memberId: 'me-1', askedNats: 'bus', partitions: 6 });
    // The choice is offered again next time.
    expect(JSON.parse(t.storage.getItem(GROUP_CHOICE_KEY)!)).toEqual({
      graph: 'Pipeline',
      group: 'orders',
      natsUrl: 'bus',
    });
    t.engine.emit({ type: 'runStatusChanged', runId: 'group-1', status: 'running' });
    expect(t.editor.actions.disabledReason('crashRun')).toMatch(/group member/);
    await t.run('stop');
    expect(t.engine.callsOf('stopRun')).toEqual([['group-1']]);
    // A plain run afterwards is no group member's: the Group panel goes.
    t.engine.emit({ type: 'runEnded', runId: 'group-1', status: 'stopped' });
    await t.run('run');
    expect(t.state.groupRun).toBeNull();
    expect(t.state.runPanel).toBeNull();
  });

  it('an empty NATS field leaves the choice to the engine (the graph’s, $NATS_URL, the local server)', async () => {
    const t = new TestEditor().load(split());
    t.validate();
    await startGroupRun(t.editor.actionContext, { group: 'g', natsUrl: '  ' });
    expect(t.engine.callsOf('startGroupRun')[0]![0]).not.toHaveProperty('natsUrl');
  });

  it('a refusal comes back as the sentence for the dialog, and the toolbar says it too', async () => {
    const t = new TestEditor().load(split());
    t.validate();
    t.engine.failing.set('startGroupRun', 'Cannot reach NATS at nats://127.0.0.1:1: CONNECTION_REFUSED.');
    const refused = await startGroupRun(t.editor.actionContext, { group: 'g', natsUrl: 'nats://127.0.0.1:1' });
    expect(refused).toBe('Cannot reach NATS at nats://127.0.0.1:1: CONNECTION_REFUSED.');
    expect(t.state.runPhase).toBe('refused');
    expect(t.state.runNote).toBe('Run refused: Cannot reach NATS at nats://127.0.0.1:1: CONNECTION_REFUSED.');
    expect(t.state.groupRun).toBeNull();
  });
});
