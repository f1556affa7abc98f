import { describe, expect, it } from 'vitest';
import type { MetricsSnapshot } from '../../../../engine/contract/metrics.js';
import { openGraphText } from '../../../../renderer/files/documentIo.js';
import { TestEditor, pipeline } from '../TestEditor.js';

/** A frame as the engine publishes it, with only what the run slice reads. */
const frame = (status: 'running' | 'finished', checkpoint: number | null): MetricsSnapshot =>
  ({
    run: {
      status,
      elapsedMs: 1000,
      sourceRate: 10,
      restarts: 0,
      checkpoints: { lastId: checkpoint, lastDurationMs: 3, lastBytes: 100 },
    },
    edges: {},
    nodes: {},
  }) as unknown as MetricsSnapshot;

describe('run actions', () => {
  it('run says why it cannot run: an empty graph, a check in progress, problems', () => {
    const t = new TestEditor();
    expect(t.editor.actions.disabledReason('run')).toBe('Add nodes to run the graph.');
    t.load(pipeline());
    t.state.setValidating(true);
    expect(t.editor.actions.disabledReason('run')).toBe('Checking the graph…');
    t.state.select(['gen']);
    t.state.commitDocument({ ...t.state.graph, edges: t.state.graph.edges.slice(1) });
    t.validate();
    expect(t.editor.actions.disabledReason('run')).toMatch(/^Fix \d+ problems? to run\.$/);
  });

  it('run starts the graph through the engine with its file and trust, and follows the run it got', async () => {
    const t = new TestEditor().load(pipeline(), { filePath: '/g/p.sluice.json' });
    expect(t.validate()).toEqual([]);
    await t.run('run');
    expect(t.engine.callsOf('startRun')).toEqual([[{ graph: t.state.graph, path: '/g/p.sluice.json', trusted: true }]]);
    expect(t.state).toMatchObject({ runId: 'run-1', runPhase: 'live', runNote: null });
    expect(t.editor.actions.disabledReason('run')).toBe('The graph is running; stop it first.');
    t.engine.emit({ type: 'metricsPublished', runId: 'run-9', snapshot: frame('finished', 7) });
    expect(t.state.frame).toBeNull();
    t.engine.emit({ type: 'metricsPublished', runId: 'run-1', snapshot: frame('running', 2) });
    expect(t.state.frame?.run.checkpoints.lastId).toBe(2);
  });

  it('run from scratch asks the engine for fresh state', async () => {
    const t = new TestEditor().load(pipeline());
    t.validate();
    await t.run('runFresh');
    expect(t.engine.callsOf('startRun')).toEqual([[{ graph: t.state.graph, fresh: true, trusted: true }]]);
  });

  it('code from elsewhere asks for trust first and reaches no engine', async () => {
    const t = new TestEditor().load(pipeline(), { trusted: false });
    t.validate();
    await t.run('run');
    expect(t.state.dialog).toEqual({ kind: 'trust', fresh: false });
    expect(t.engine.callsOf('startRun')).toEqual([]);
    expect(t.state.runPhase).toBe('idle');
  });

  it('a refused run says why beside Run, and Run works again', async () => {
    const t = new TestEditor().load(pipeline());
    t.validate();
    t.engine.failing.set('startRun', 'Node double cannot run: its path is outside the folders you opened.');
    await t.run('run');
    expect(t.state).toMatchObject({
      runId: null,
      runPhase: 'refused',
      runNote: 'Run refused: Node double cannot run: its path is outside the folders you opened.',
    });
    expect(t.editor.actions.disabledReason('run')).toBeNull();
  });

  it('events the engine sends before it answered with the run id are kept and applied to that run', async () => {
    const t = new TestEditor().load(pipeline());
    t.validate();
    t.engine.eventsBeforeAnswer = (runId) => [
      { type: 'runStarted', runId: 'run-0', graphName: 'Another window', resumedFrom: 9 },
      { type: 'runStarted', runId, graphName: 'Pipeline', resumedFrom: 4 },
      { type: 'logged', runId, nodeId: 'out', level: 'info', message: 'first line' },
    ];
    await t.run('run');
    expect(t.state.runId).toBe('run-1');
    expect(t.state.resumedFrom).toBe(4);
    expect(t.state.logs.map((l) => l.message)).toEqual(['first line']);
  });

  it('stop and crash reach the running run, and are disabled when nothing runs', async () => {
    const t = new TestEditor().load(pipeline());
    t.validate();
    expect(t.editor.actions.disabledReason('stop')).toBe('Nothing is running.');
    expect(t.editor.actions.disabledReason('crashRun')).toBe('Start a run to crash it.');
    await t.run('run');
    await t.run('crashRun');
    await t.run('stop');
    expect(t.engine.callsOf('crashRun')).toEqual([['run-1']]);
    expect(t.engine.callsOf('stopRun')).toEqual([['run-1']]);
    expect(t.state.notice?.text).toBe('Stopping: taking a final checkpoint…');
    t.engine.emit({ type: 'runEnded', runId: 'run-1', status: 'stopped' });
    expect(t.state.runPhase).toBe('ended');
    expect(t.editor.actions.disabledReason('stop')).toBe('Nothing is running.');
    expect(t.editor.actions.disabledReason('run')).toBeNull();
  });

  it('an unsaved template runs with its template named, so the engine finds its files; once saved, with its path', async () => {
    const t = new TestEditor();
    openGraphText(t.editor.actionContext, JSON.stringify(pipeline()), {
      kind: 'example',
      label: 'template',
      exampleId: 'etl-into-sqlite',
    });
    t.validate();
    await t.run('run');
    expect(t.engine.callsOf('startRun')[0]?.[0]).toMatchObject({ template: 'etl-into-sqlite' });
    t.state.markSaved('/g/etl.sluice.json');
    t.engine.emit({ type: 'runEnded', runId: 'run-1', status: 'finished' });
    await t.run('run');
    const second = t.engine.callsOf('startRun')[1]?.[0] as Record<string, unknown>;
    expect(second.path).toBe('/g/etl.sluice.json');
    expect(second.template).toBeUndefined();
  });

  it('opening another graph clears the last run’s live data, and stops the run if it is live', async () => {
    const t = new TestEditor().load(pipeline(), { filePath: '/g/p.sluice.json' });
    t.validate();
    await t.run('run');
    t.engine.emit({ type: 'metricsPublished', runId: 'run-1', snapshot: frame('running', 3) });
    t.engine.emit({ type: 'logged', runId: 'run-1', nodeId: 'out', level: 'info', message: 'ok {"id":"gen-0"}' });
    expect(t.state.frame).not.toBeNull();
    expect(t.state.logs).toHaveLength(1);
    openGraphText(t.editor.actionContext, JSON.stringify(pipeline('Other')), { kind: 'import', label: 'other' });
    expect(t.state.graph.name).toBe('Other');
    expect(t.state).toMatchObject({ runId: null, runPhase: 'idle', frame: null, logs: [], runNote: null });
    expect(t.engine.callsOf('stopRun')).toEqual([['run-1']]);
    // Its late frames do not come back.
    t.engine.emit({ type: 'metricsPublished', runId: 'run-1', snapshot: frame('running', 4) });
    expect(t.state.frame).toBeNull();
  });

  it('a refusal is forgotten when another graph opens', async () => {
    const t = new TestEditor().load(pipeline());
    t.validate();
    t.engine.failing.set('startRun', 'The graph cannot run: nope.');
    await t.run('run');
    expect(t.state.runNote).toMatch(/^Run refused/);
    openGraphText(t.editor.actionContext, JSON.stringify(pipeline('Other')), { kind: 'import', label: 'other' });
    expect(t.state).toMatchObject({ runPhase: 'idle', runNote: null });
  });

  it('a saved graph that no longer matches its checkpoint asks first: resume or run from scratch', async () => {
    const t = new TestEditor().load(pipeline(), { filePath: '/g/p.sluice.json' });
    t.validate();
    t.engine.preview = {
      checkpointId: 8,
      restored: ['double', 'out'],
      empty: [{ nodeId: 'gen', why: 'config changed' }],
      dropped: [],
      consequences: ['"gen" starts again from its first event while "double" keeps its state.'],
      refusal: null,
    };
    await t.run('run');
    expect(t.engine.callsOf('previewRun')).toHaveLength(1);
    expect(t.engine.callsOf('startRun')).toEqual([]);
    expect(t.state.dialog).toEqual({ kind: 'resume', preview: t.engine.preview });
    // Run from scratch asks nothing.
    t.state.openDialog(null);
    await t.run('runFresh');
    expect(t.engine.callsOf('previewRun')).toHaveLength(1);
    expect(t.engine.callsOf('startRun')[0]?.[0]).toMatchObject({ fresh: true });
  });

  it('a graph whose checkpoint still fits resumes without a question, and says where it resumed from', async () => {
    const t = new TestEditor().load(pipeline(), { filePath: '/g/p.sluice.json' });
    t.validate();
    t.engine.preview = {
      checkpointId: 8,
      restored: ['gen', 'double', 'out'],
      empty: [],
      dropped: [],
      consequences: [],
      refusal: null,
    };
    await t.run('run');
    expect(t.state.dialog).toBeNull();
    expect(t.engine.callsOf('startRun')).toHaveLength(1);
    t.engine.emit({ type: 'runStarted', runId: 'run-1', graphName: 'Pipeline', resumedFrom: 8 });
    expect(t.state.resumedFrom).toBe(8);
    expect(t.state.notice?.text).toBe('Resumed from checkpoint 8.');
  });

  it('running a graph that had already finished says there was nothing new, and how to run it again', async () => {
    const t = new TestEditor().load(pipeline(), { filePath: '/g/p.sluice.json' });
    t.validate();
    await t.run('run');
    t.engine.emit({ type: 'runStarted', runId: 'run-1', graphName: 'Pipeline', resumedFrom: 4 });
    const done = frame('finished', 4);
    done.edges = { e1: { total: 0 } as never, e2: { total: 0 } as never };
    t.engine.emit({ type: 'metricsPublished', runId: 'run-1', snapshot: done });
    t.engine.emit({ type: 'runEnded', runId: 'run-1', status: 'finished' });
    expect(t.state.runNote).toBe(
      'Nothing new to process: it had finished by checkpoint 4. Use Run from scratch to process it again.',
    );
    expect(t.state.notice?.text).toBe(t.state.runNote);
  });
});
