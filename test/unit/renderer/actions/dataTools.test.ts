import { describe, expect, it } from 'vitest';
import { parseJsonText, sampleFor } from '../../../../renderer/inspector/DataTools.js';
import { TestEditor, pipeline } from '../TestEditor.js';

describe('inject, pinned samples and previews in the editor', () => {
  it('a run of a graph with a pinned sample asks the engine for a design run', async () => {
    const t = new TestEditor().load(pipeline());
    t.validate();
    await t.run('run');
    expect(t.engine.callsOf('startRun')[0]![0]).not.toHaveProperty('usePinned');
    t.engine.emit({ type: 'runEnded', runId: 'run-1', status: 'finished' });
    const g = t.state.graph;
    t.state.commitDocument({
      ...g,
      nodes: g.nodes.map((n) => (n.id === 'gen' ? { ...n, pinned: [{ value: { seq: 7 } }] } : n)),
    });
    t.validate();
    await t.run('run');
    expect(t.engine.callsOf('startRun')[1]![0]).toMatchObject({ usePinned: true });
  });

  it('previews on the newest message into the node, else on the sample pinned to the source before it', async () => {
    const t = new TestEditor().load(pipeline());
    expect(sampleFor(t.state, 'double')).toBeNull();
    const g = t.state.graph;
    t.state.commitDocument({
      ...g,
      nodes: g.nodes.map((n) => (n.id === 'gen' ? { ...n, pinned: [{ key: 'k', value: { seq: 7 } }] } : n)),
    });
    expect(sampleFor(t.state, 'double')).toEqual({
      event: { key: 'k', value: { seq: 7 } },
      from: 'the sample pinned to gen',
    });
    t.validate();
    await t.run('run');
    t.state.debugReceived('run-1', 'e1', 'gen', [{ id: 'g-1', key: 'k2', time: 9, value: { seq: 1 } }]);
    expect(sampleFor(t.state, 'double')).toEqual({
      event: { key: 'k2', time: 9, value: { seq: 1 } },
      from: 'a message on e1',
    });
    // Messages out of a node are no sample for the node itself.
    expect(sampleFor(t.state, 'gen')).toBeNull();
  });

  it('says in one sentence what is wrong with hand-written JSON', () => {
    expect(parseJsonText('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonText('  ')).toEqual({ ok: false, error: 'Write the event’s value as JSON, e.g. {"amount": 12}.' });
    const bad = parseJsonText('{a: 1}');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/^Not JSON: .+\.$/);
  });
});
