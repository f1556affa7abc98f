import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../../engine/contract/EngineApi.js';
import { setNodeDebug } from '../../../../renderer/actions/debugActions.js';
import { toggleTap } from '../../../../renderer/live/toggleTap.js';
import { DEBUG_KEEP, filterDebugMessages } from '../../../../renderer/store/debugSlice.js';
import { TestEditor, pipeline } from '../TestEditor.js';

const ev = (seq: number, value: unknown = { seq }): EventEnvelope => ({ id: `g-${seq}`, key: null, time: seq, value });

async function running(): Promise<TestEditor> {
  const t = new TestEditor().load(pipeline());
  t.validate();
  await t.run('run');
  return t;
}

describe('the debug sidebar', () => {
  it('a debugged node taps what it emits, and a sink what it receives, from the moment the run goes live', async () => {
    const t = new TestEditor().load(pipeline());
    t.validate();
    t.state.select(['double']);
    await t.run('toggleNodeDebug');
    await setNodeDebug(t.editor.actionContext, 'out', true);
    // Nothing runs yet: no tap reaches the engine, the sidebar opened to say what comes.
    expect(t.engine.callsOf('tapEdge')).toEqual([]);
    expect(t.state.debugOpen).toBe(true);
    expect(t.state.debugEdges).toEqual({ e2: 'out' });
    await t.run('run');
    expect(t.engine.callsOf('tapEdge')).toEqual([['run-1', 'e2', true]]);
    // The map (debugged, emitting on e2) and the sink (receiving e2) share the edge; its
    // messages are shown under the node that asked last.
    t.engine.emit({ type: 'edgeTapped', runId: 'run-1', edgeId: 'e2', events: [ev(1), ev(2)] });
    expect(t.state.debugMessages.map((m) => [m.nodeId, m.edgeId, m.event.id])).toEqual([
      ['out', 'e2', 'g-1'],
      ['out', 'e2', 'g-2'],
    ]);
  });

  it('marking a node during a run taps its edges at once, unmarking untaps them', async () => {
    const t = await running();
    await setNodeDebug(t.editor.actionContext, 'gen', true);
    expect(t.engine.callsOf('tapEdge')).toEqual([['run-1', 'e1', true]]);
    await setNodeDebug(t.editor.actionContext, 'gen', false);
    expect(t.engine.callsOf('tapEdge')).toEqual([
      ['run-1', 'e1', true],
      ['run-1', 'e1', false],
    ]);
    expect(t.state.debugNodes).toEqual({});
  });

  it('the tap panel and a debugged node share an edge: closing one keeps the other tapped', async () => {
    const t = await running();
    await toggleTap(t.editor.actionContext, 'e1');
    await setNodeDebug(t.editor.actionContext, 'gen', true);
    await toggleTap(t.editor.actionContext, null);
    // e1 stays tapped for the debugged generator.
    expect(t.engine.callsOf('tapEdge').filter(([, , on]) => on === false)).toEqual([]);
    await toggleTap(t.editor.actionContext, 'e1');
    await setNodeDebug(t.editor.actionContext, 'gen', false);
    expect(t.engine.callsOf('tapEdge').filter(([, , on]) => on === false)).toEqual([]);
    // A tapped edge's events reach the sidebar too (under its source node), as well as the panel.
    t.engine.emit({ type: 'edgeTapped', runId: 'run-1', edgeId: 'e1', events: [ev(7)] });
    expect(t.state.tap?.events.map((e) => e.event.id)).toEqual(['g-7']);
    expect(t.state.debugMessages.map((m) => [m.nodeId, m.event.id])).toEqual([['gen', 'g-7']]);
  });

  it('keeps messages after the run ends and across the next run, bounded, until cleared', async () => {
    const t = await running();
    await setNodeDebug(t.editor.actionContext, 'double', true);
    const many = Array.from({ length: DEBUG_KEEP + 5 }, (_, i) => ev(i));
    t.engine.emit({ type: 'edgeTapped', runId: 'run-1', edgeId: 'e2', events: many });
    t.engine.emit({ type: 'runEnded', runId: 'run-1', status: 'finished' });
    expect(t.state.debugMessages).toHaveLength(DEBUG_KEEP);
    expect(t.state.debugMessages[0]!.event.id).toBe('g-5');
    await t.run('run');
    expect(t.state.debugMessages).toHaveLength(DEBUG_KEEP);
    // The new run taps the debugged node's edge again.
    expect(t.engine.callsOf('tapEdge').at(-1)).toEqual(['run-2', 'e2', true]);
    // Another run's events never land here.
    t.engine.emit({ type: 'edgeTapped', runId: 'run-1', edgeId: 'e2', events: [ev(99_999)] });
    expect(t.state.debugMessages.at(-1)!.event.id).toBe(`g-${DEBUG_KEEP + 4}`);
    t.state.clearDebug();
    expect(t.state.debugMessages).toEqual([]);
  });

  it('filters by node and by text, newest first', async () => {
    const t = await running();
    await setNodeDebug(t.editor.actionContext, 'gen', true);
    await setNodeDebug(t.editor.actionContext, 'double', true);
    t.engine.emit({ type: 'edgeTapped', runId: 'run-1', edgeId: 'e1', events: [ev(1, { city: 'Oslo' })] });
    t.engine.emit({ type: 'edgeTapped', runId: 'run-1', edgeId: 'e2', events: [ev(2, { city: 'Lima' })] });
    t.engine.emit({ type: 'edgeTapped', runId: 'run-1', edgeId: 'e1', events: [ev(3, { city: 'lima' })] });
    const ids = (f: { nodeId: string | null; text: string }) =>
      filterDebugMessages(t.state.debugMessages, f).map((m) => m.event.id);
    expect(ids({ nodeId: null, text: '' })).toEqual(['g-3', 'g-2', 'g-1']);
    expect(ids({ nodeId: 'gen', text: '' })).toEqual(['g-3', 'g-1']);
    expect(ids({ nodeId: null, text: 'LIMA' })).toEqual(['g-3', 'g-2']);
    expect(ids({ nodeId: 'double', text: 'oslo' })).toEqual([]);
  });
});
