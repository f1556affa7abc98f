import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../../engine/contract/index.js';
import { EngineService } from '../../../../engine/host/EngineService.js';
import { CONSOLE_LOG_PER_SECOND } from '../../../../engine/runtime/Coordinator.js';
import { startRun as startRealRun } from '../../../../engine/runtime/startRun.js';
import { StateStore } from '../../../../engine/store/StateStore.js';
import { FakeRun, smallGraph } from './hostFixture.js';

let base: string;
let project: string;
let examplesDir: string;
let runs: FakeRun[];
let service: EngineService;

beforeEach(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'sluice-service-')));
  project = path.join(base, 'project');
  examplesDir = path.join(base, 'examples');
  mkdirSync(project);
  mkdirSync(examplesDir);
  runs = [];
  service = new EngineService({
    roots: [project],
    examplesDir,
    startRun: async (options) => {
      const run = new FakeRun(options, runs.length + 1);
      runs.push(run);
      return run;
    },
  });
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const withCode = (): Record<string, unknown> => ({
  ...smallGraph('Coded'),
  nodes: [{ id: 'gen', type: 'source.generator', config: { count: 3, valueExpression: '({ n: i })' } }],
});

describe('EngineService.validate', () => {
  it('reports a non-graph as one problem that says what it is', async () => {
    const problems = await service.validate({ hello: 'world' });
    expect(problems).toEqual([{ severity: 'error', message: 'Not a Sluice graph (format is missing).' }]);
    expect(await service.validate(42)).toHaveLength(1);
  });

  it('reads graph text as a file would be read', async () => {
    const problems = await service.validate('{ "format": ');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/^Not JSON/);
  });

  it('finds no errors in a valid graph, using the real node registry', async () => {
    const problems = await service.validate(smallGraph());
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('reports an unknown node type with its node id', async () => {
    const graph = { ...smallGraph(), nodes: [{ id: 'x', type: 'no.such.type', config: {} }] };
    const problems = await service.validate(graph);
    expect(problems.some((p) => p.nodeId === 'x' && p.severity === 'error')).toBe(true);
  });
});

describe('EngineService.startRun', () => {
  it('refuses an invalid graph with a clear message and starts nothing', async () => {
    const graph = { ...smallGraph(), nodes: [{ id: 'x', type: 'no.such.type', config: {} }] };
    await expect(service.startRun({ graph: graph as never })).rejects.toThrow(/^The graph cannot run: node x: /);
    await expect(service.startRun({ graph: { nope: true } as never })).rejects.toThrow(
      /^The graph cannot run: it is not a Sluice graph/,
    );
    expect(runs).toHaveLength(0);
  });

  it('refuses a graph with code unless the user trusted it', async () => {
    await expect(service.startRun({ graph: withCode() as never })).rejects.toThrow(
      '"Coded" contains code (expressions or function nodes); confirm that you trust it before running it.',
    );
    expect(runs).toHaveLength(0);
    await service.startRun({ graph: withCode() as never, trusted: true });
    expect(runs).toHaveLength(1);
  });

  it('keeps an unsaved graph in memory and resolves its paths against the opened folder', async () => {
    const { runId } = await service.startRun({ graph: smallGraph() as never, durationMs: 500, fresh: true });
    expect(runId).toBe('run-1');
    expect(runs[0]?.options).toMatchObject({ baseDir: project, durationMs: 500, fresh: true });
    expect(runs[0]?.options.statePath).toBeUndefined();
  });

  it('puts the state store of a saved graph in .sluice beside it, with a safe file name', async () => {
    mkdirSync(path.join(project, 'graphs'));
    const file = path.join(project, 'graphs', 'g.sluice.json');
    await service.startRun({ graph: smallGraph('../../Fraud: alerts?') as never, path: file });
    expect(runs[0]?.options.baseDir).toBe(path.join(project, 'graphs'));
    expect(runs[0]?.options.statePath).toBe(path.join(project, 'graphs', '.sluice', '_.._Fraud_ alerts_.db'));
  });

  it('a design run with a pinned sample keeps its state in memory and leaves the saved store alone', async () => {
    const file = path.join(project, 'p.sluice.json');
    const g = smallGraph('Pinned') as { nodes: Array<Record<string, unknown>> };
    const pinned = { ...g, nodes: g.nodes.map((n) => ({ ...n, pinned: [{ value: 1 }] })) };
    await service.startRun({ graph: pinned as never, path: file, usePinned: true });
    expect(runs[0]?.options.statePath).toBeUndefined();
    expect(runs[0]?.options.usePinned).toBe(true);
    // Without the flag (or without a sample) the saved store is used as always.
    await service.startRun({ graph: pinned as never, path: file });
    expect(runs[1]?.options.statePath).toBe(path.join(project, '.sluice', 'Pinned.db'));
    expect(runs[1]?.options.usePinned).toBeUndefined();
    await service.startRun({ graph: smallGraph('Pinned') as never, path: file, usePinned: true });
    expect(runs[2]?.options.statePath).toBe(path.join(project, '.sluice', 'Pinned.db'));
  });

  it('refuses a graph path outside the opened folders', async () => {
    await expect(
      service.startRun({ graph: smallGraph() as never, path: path.join(base, 'g.sluice.json') }),
    ).rejects.toThrow(/outside the folders you opened/);
    expect(runs).toHaveLength(0);
  });

  it('refuses a run whose node reads a file outside the opened folders', async () => {
    const graph = {
      ...smallGraph('Reader'),
      nodes: [{ id: 'src', type: 'source.file', config: { path: '../../etc/passwd', format: 'jsonl' } }],
    };
    await expect(service.startRun({ graph: graph as never })).rejects.toThrow(
      'Node src cannot run: its path ../../etc/passwd is outside the folders you opened.',
    );
    expect(runs).toHaveLength(0);
  });

  it('reports paths outside the opened folders as problems before a run, in full: where they resolve, what is open', async () => {
    const graph = {
      ...smallGraph('Reader'),
      nodes: [{ id: 'src', type: 'source.file', config: { path: '../../etc/passwd', format: 'jsonl' } }],
    };
    const problems = await service.checkPaths({ graph: graph as never });
    expect(problems).toEqual([
      {
        severity: 'error',
        nodeId: 'src',
        message: `Node src cannot run: its path ../../etc/passwd is outside the folders you opened. It resolves to ${path.resolve(project, '../../etc/passwd')}; the opened folder is ${project}.`,
      },
    ]);
    graph.nodes[0]!.config.path = 'data/in.jsonl';
    expect(await service.checkPaths({ graph: graph as never })).toEqual([]);
  });

  it('refuses a run whose sink writes through an absolute path outside the opened folders', async () => {
    const graph = {
      ...smallGraph('Writer'),
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 1 } },
        { id: 'out', type: 'sink.file', config: { path: path.join(base, 'stolen.jsonl') } },
      ],
      edges: [{ id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'out', port: 'in' } }],
    };
    await expect(service.startRun({ graph: graph as never })).rejects.toThrow(
      /^Node out cannot run: its path .* is outside/,
    );
    graph.nodes[1] = { id: 'out', type: 'sink.file', config: { path: 'out/results.jsonl' } };
    await service.startRun({ graph: graph as never });
    expect(runs).toHaveLength(1);
  });

  it('forwards run events to every subscriber until they unsubscribe', async () => {
    const a: RunEvent[] = [];
    const b: RunEvent[] = [];
    service.subscribe((e) => a.push(e));
    const offB = service.subscribe((e) => b.push(e));
    const { runId } = await service.startRun({ graph: smallGraph() as never });
    const event: RunEvent = { type: 'runStatusChanged', runId, status: 'running' };
    runs[0]?.emit(event);
    offB();
    runs[0]?.emit({ ...event, status: 'stopping' });
    // First the service's own announcement of the run (where it resumed from), then the run's.
    expect(a).toHaveLength(3);
    expect(b).toEqual([{ type: 'runStarted', runId, graphName: 'Small graph', resumedFrom: null }, event]);
  });

  it('tells subscribers a run ended even when the runtime ended without saying so', async () => {
    const seen: RunEvent[] = [];
    service.subscribe((e) => seen.push(e));
    const { runId } = await service.startRun({ graph: smallGraph() as never });
    runs[0]?.end({ status: 'failed', reason: 'worker died three times' });
    await expect
      .poll(() => seen.filter((e) => e.type !== 'runStarted'))
      .toEqual([{ type: 'runEnded', runId, status: 'failed', reason: 'worker died three times' }]);
  });
});

describe('EngineService alerts', () => {
  it('forwards a run’s alerts and raises a notification for notify "desktop"', async () => {
    const seen: RunEvent[] = [];
    service.subscribe((e) => seen.push(e));
    const graph = {
      ...smallGraph('Alerted'),
      alerts: [{ id: 'stalled', when: 'run rate < 1', forMs: 500, notify: 'desktop' }],
    };
    const { runId } = await service.startRun({ graph: graph as never });
    const frame = (t: number, sourceRate: number) => ({
      type: 'metricsPublished' as const,
      runId,
      snapshot: {
        t,
        run: {
          status: 'running' as const,
          elapsedMs: t,
          sourceRate,
          checkpoints: { count: 0, lastId: null, lastDurationMs: null, lastBytes: null, lastPauseMs: null },
          restarts: 0,
        },
        nodes: {},
        edges: {},
      },
    });
    for (const [i, rate] of [100, 0, 0, 0].entries()) runs[0]?.emit(frame(i * 250, rate));
    runs[0]?.emit({ type: 'runStatusChanged', runId, status: 'stopped' });
    expect(seen.filter((e) => e.type !== 'metricsPublished' && e.type !== 'runStarted')).toEqual([
      expect.objectContaining({ type: 'alertFired', alertId: 'stalled', message: 'run rate 0 < 1 for 500 ms' }),
      {
        type: 'notificationRequested',
        runId,
        nodeId: '',
        title: 'Alert in Alerted',
        body: 'run rate 0 < 1 for 500 ms',
      },
      { type: 'runStatusChanged', runId, status: 'stopped' },
      expect.objectContaining({ type: 'alertCleared', alertId: 'stalled', reason: 'the run stopped' }),
    ]);
  });

  it('refuses to start a graph whose alert names an edge it does not have', async () => {
    const graph = { ...smallGraph('Bad alert'), alerts: [{ when: 'edge e9 lag > 10' }] };
    await expect(service.startRun({ graph: graph as never })).rejects.toThrow(
      'The graph cannot run: Alert #1 (edge e9 lag > 10) watches edge "e9", which does not exist.',
    );
    expect(runs).toHaveLength(0);
  });
});

describe('EngineService runs by id', () => {
  it('stops a run, and stopping it again is a no-op', async () => {
    const seen: RunEvent[] = [];
    service.subscribe((e) => seen.push(e));
    const { runId } = await service.startRun({ graph: smallGraph() as never });
    await service.stopRun(runId);
    await service.stopRun(runId);
    await expect.poll(() => seen.filter((e) => e.type === 'runEnded')).toHaveLength(1);
  });

  it('taps an edge of a live run and refuses unknown runs', async () => {
    const { runId } = await service.startRun({ graph: smallGraph() as never });
    await service.tapEdge(runId, 'e1', true);
    expect(runs[0]?.taps).toEqual([['e1', true]]);
    await expect(service.tapEdge('nope', 'e1', true)).rejects.toThrow('There is no run with id nope.');
    await expect(service.stopRun('nope')).rejects.toThrow('There is no run with id nope.');
  });
});

describe('EngineService checkpoints and dead letters', () => {
  it('lists nothing for a graph that never ran or a run kept in memory', async () => {
    const file = path.join(project, 'g.sluice.json');
    writeFileSync(file, JSON.stringify(smallGraph('Never ran')));
    expect(await service.listCheckpoints({ graphPath: file })).toEqual([]);
    const { runId } = await service.startRun({ graph: smallGraph() as never });
    expect(await service.listDeadLetters({ runId })).toEqual([]);
  });

  it('reads checkpoints and dead letters from the state store beside a saved graph', async () => {
    const file = path.join(project, 'g.sluice.json');
    writeFileSync(file, JSON.stringify(smallGraph('Stored')));
    const store = StateStore.open(path.join(project, '.sluice', 'Stored.db'));
    try {
      const id = store.nextCheckpointId();
      store.writeCheckpoint({
        id,
        startedAt: Date.now(),
        snapshots: [],
        deadLetters: [{ nodeId: 'fn', error: 'boom', event: { id: 'e1', key: null, time: 1, value: 2 } }],
      });
    } finally {
      store.close();
    }
    const checkpoints = await service.listCheckpoints({ graphPath: file });
    expect(checkpoints.map((c) => c.id)).toHaveLength(1);
    const letters = await service.listDeadLetters({ graphPath: file });
    expect(letters).toMatchObject([{ nodeId: 'fn', error: 'boom', event: { id: 'e1', value: 2 } }]);
  });

  it('refuses a graph path outside the opened folders and a target naming nothing', async () => {
    await expect(service.listCheckpoints({ graphPath: '/etc/passwd' })).rejects.toThrow(
      /outside the folders you opened/,
    );
    await expect(service.listCheckpoints({})).rejects.toThrow('Name a run id or a graph path.');
  });
});

describe('EngineService examples', () => {
  beforeEach(() => {
    writeFileSync(
      path.join(examplesDir, 'index.json'),
      JSON.stringify([
        { id: 'iot', file: 'iot.sluice.json', name: 'IoT ingest', description: 'Sensors to SQLite.' },
        { id: 'bad', file: '../outside.json', name: 'Bad', description: '' },
        { name: 'no id' },
      ]),
    );
    writeFileSync(path.join(examplesDir, 'iot.sluice.json'), '{"name":"IoT"}');
    writeFileSync(path.join(base, 'outside.json'), '{"secret":1}');
  });

  it('lists the examples of index.json, read at call time', async () => {
    expect(await service.listExamples()).toEqual([
      { id: 'iot', name: 'IoT ingest', description: 'Sensors to SQLite.' },
      { id: 'bad', name: 'Bad', description: '' },
    ]);
    writeFileSync(path.join(examplesDir, 'index.json'), '[]');
    expect(await service.listExamples()).toEqual([]);
  });

  it('opens an example by id and refuses unknown ids and files outside the folder', async () => {
    expect(await service.openExample('iot')).toEqual({ text: '{"name":"IoT"}' });
    await expect(service.openExample('nope')).rejects.toThrow('There is no example called "nope".');
    await expect(service.openExample('bad')).rejects.toThrow('Example bad names a file outside the examples folder.');
  });
});

describe('EngineService on the real runtime', () => {
  it('survives a run that hangs at the restart limit: the run fails with one line, the next run finishes', async () => {
    const real = new EngineService({
      roots: [project],
      examplesDir,
      startRun: (options) => startRealRun({ ...options, hangTimeoutMs: 300, metricsIntervalMs: 100 }),
    });
    const ended: RunEvent[] = [];
    real.subscribe((e) => {
      if (e.type === 'runEnded') ended.push(e);
    });
    const hanging = {
      ...smallGraph('Hangs'),
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 100 } },
        // Every event from 10 on hangs: one is set aside, the next exhausts the restart budget.
        { id: 'fn', type: 'function', config: { code: 'if (value.seq >= 10) { while (true) {} } return value;' } },
        { id: 'out', type: 'sink.console', config: {} },
      ],
      edges: [
        { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'fn', port: 'in' } },
        { id: 'e2', from: { node: 'fn', port: 'out' }, to: { node: 'out', port: 'in' } },
      ],
    };
    const first = await real.startRun({ graph: hanging as never, trusted: true });
    await expect.poll(() => ended.length, { timeout: 90_000 }).toBe(1);
    expect(ended[0]).toMatchObject({ runId: first.runId, status: 'failed' });
    const reason = (ended[0] as { reason?: string }).reason ?? '';
    expect(reason).toMatch(/stopped responding.*gave up after 3 restarts/);
    expect(reason).not.toContain('\n');
    const second = await real.startRun({ graph: smallGraph('After') as never });
    await expect.poll(() => ended.length, { timeout: 90_000 }).toBe(2);
    expect(ended[1]).toMatchObject({ runId: second.runId, status: 'finished' });
  }, 200_000);
});

describe('EngineService contracts (schemas/ beside a saved graph)', () => {
  const ORDERS = {
    type: 'object',
    properties: { seq: { type: 'integer' } },
    required: ['seq'],
  };
  const withContract = (contract: string): Record<string, unknown> => ({
    ...smallGraph('Contracted'),
    nodes: [{ id: 'gen', type: 'source.generator', config: { count: 3, contract } }],
  });
  const writeSchema = (file: string, text: string): void => {
    mkdirSync(path.join(project, 'schemas'), { recursive: true });
    writeFileSync(path.join(project, 'schemas', file), text);
  };

  it('loads the schemas folder beside a graph, with the problems of its broken files; none without one', async () => {
    expect(await service.loadSchemas(path.join(project, 'g.sluice.json'))).toEqual({ schemas: [], problems: [] });
    writeSchema('orders@1.schema.json', JSON.stringify(ORDERS));
    writeSchema('broken@1.schema.json', '{ "type": ');
    const loaded = await service.loadSchemas(path.join(project, 'g.sluice.json'));
    expect(loaded.schemas.map((s) => s.ref)).toEqual(['orders@1']);
    expect(loaded.problems).toEqual([expect.objectContaining({ severity: 'error', file: 'broken@1.schema.json' })]);
    await expect(service.loadSchemas(path.join(base, 'elsewhere', 'g.sluice.json'))).rejects.toThrow();
  });

  it('refuses a schemas/ folder that links out of the opened folders', async () => {
    const outside = path.join(base, 'outside');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'secret@1.schema.json'), JSON.stringify(ORDERS));
    const sub = path.join(project, 'sub');
    mkdirSync(sub);
    symlinkSync(outside, path.join(sub, 'schemas'));
    await expect(service.loadSchemas(path.join(sub, 'g.sluice.json'))).rejects.toThrow(/outside|not inside|open/i);
  });

  it('drafts a contract from samples as the next version, and refuses a bad name or no samples', async () => {
    const graphPath = path.join(project, 'g.sluice.json');
    const first = await service.saveContract(graphPath, 'orders', [{ seq: 1, note: 'a' }, { seq: 2 }]);
    expect(first.ref).toBe('orders@1');
    const loaded = await service.loadSchemas(graphPath);
    expect(loaded.problems).toEqual([]);
    expect(loaded.schemas[0]?.schema).toMatchObject({
      type: 'object',
      properties: { seq: { type: 'integer' }, note: { type: 'string' } },
      required: ['seq'],
    });
    expect((await service.saveContract(graphPath, 'orders', [{ seq: 3 }])).ref).toBe('orders@2');
    await expect(service.saveContract(graphPath, '../up', [{ seq: 1 }])).rejects.toThrow(/cannot name a contract/);
    await expect(service.saveContract(graphPath, 'orders', [])).rejects.toThrow(/no sample events/);
  });

  it('runs a saved graph with its contracts, and refuses one naming a contract its folder lacks', async () => {
    writeSchema('orders@1.schema.json', JSON.stringify(ORDERS));
    const graphPath = path.join(project, 'g.sluice.json');
    await service.startRun({ graph: withContract('orders@1') as never, path: graphPath, trusted: true });
    const checked = runs[0]?.options.graph as { schemas?: Array<{ ref: string }> };
    expect(checked.schemas?.map((s) => s.ref)).toEqual(['orders@1']);
    await expect(
      service.startRun({ graph: withContract('orders@9') as never, path: graphPath, trusted: true }),
    ).rejects.toThrow(/orders@9/);
    expect(runs).toHaveLength(1);
  });
});

describe('EngineService: unsaved graphs and templates run from any folder', () => {
  const repoExamples = path.resolve('assets/examples');

  async function runToEnd(service: EngineService, request: Parameters<EngineService['startRun']>[0]) {
    const ended: RunEvent[] = [];
    service.subscribe((e) => {
      if (e.type === 'runEnded') ended.push(e);
    });
    const { runId } = await service.startRun(request);
    await expect.poll(() => ended.length, { timeout: 40_000 }).toBe(1);
    return { runId, ended: ended[0] as Extract<RunEvent, { type: 'runEnded' }> };
  }

  it('gives an unsaved graph a state store of its own in the data folder, fresh on every run', async () => {
    const dataDir = path.join(base, 'data');
    const svc = new EngineService({
      roots: [project],
      examplesDir,
      dataDir,
      startRun: async (options) => {
        const run = new FakeRun(options, runs.length + 1);
        runs.push(run);
        return run;
      },
    });
    await svc.startRun({ graph: smallGraph('My: graph') as never });
    expect(runs[0]?.options.statePath).toBe(path.join(dataDir, 'unsaved', 'My_ graph.db'));
    expect(runs[0]?.options.fresh).toBe(true);
    expect(runs[0]?.options.baseDir).toBe(project);
  });

  it('runs the ETL template (CSV in, SQLite out) unsaved, from an empty folder: its files resolve against the template', async () => {
    const dataDir = path.join(base, 'data');
    const svc = new EngineService({
      roots: [project],
      examplesDir: repoExamples,
      dataDir,
      startRun: (options) => startRealRun({ ...options, metricsIntervalMs: 100 }),
    });
    const { text } = await svc.openExample('etl-into-sqlite');
    const graph = JSON.parse(text) as unknown;
    const { ended } = await runToEnd(svc, { graph: graph as never, template: 'etl-into-sqlite', trusted: true });
    expect(ended.reason ?? '').not.toMatch(/--state|not found/);
    expect(ended.status).toBe('finished');
    const work = path.join(dataDir, 'templates', 'etl-into-sqlite');
    expect(existsSync(path.join(work, 'data', 'orders.csv'))).toBe(true);
    expect(existsSync(path.join(work, 'out', 'warehouse.db'))).toBe(true);
  }, 60_000);

  it('runs the standard pipeline template (a sink.sqlite) unsaved without asking for a state store', async () => {
    const svc = new EngineService({
      roots: [project],
      examplesDir: repoExamples,
      dataDir: path.join(base, 'data'),
      startRun: (options) => startRealRun({ ...options, metricsIntervalMs: 100 }),
    });
    const { text } = await svc.openExample('standard-pipeline');
    const { ended } = await runToEnd(svc, {
      graph: JSON.parse(text) as never,
      template: 'standard-pipeline',
      trusted: true,
    });
    expect(ended.reason ?? '').not.toContain('state store');
    expect(ended.status).toBe('finished');
  }, 60_000);
});

describe('EngineService: console output is the run log', () => {
  const consoleGraph = (count: number) => ({
    ...smallGraph('Console'),
    nodes: [
      { id: 'gen', type: 'source.generator', config: { count } },
      { id: 'print', type: 'sink.console', config: { prefix: 'ok' } },
    ],
    edges: [{ id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'print', port: 'in' } }],
  });

  async function logsOf(count: number): Promise<Array<Extract<RunEvent, { type: 'logged' }>>> {
    const svc = new EngineService({
      roots: [project],
      examplesDir,
      startRun: (options) => startRealRun({ ...options, metricsIntervalMs: 100 }),
    });
    const logged: Array<Extract<RunEvent, { type: 'logged' }>> = [];
    let ended = false;
    svc.subscribe((e) => {
      if (e.type === 'logged') logged.push(e);
      if (e.type === 'runEnded') ended = true;
    });
    await svc.startRun({ graph: consoleGraph(count) as never });
    await expect.poll(() => ended, { timeout: 20_000 }).toBe(true);
    return logged;
  }

  it('sends sink.console lines to subscribers as log lines of their node, with the prefix set apart', async () => {
    const logged = await logsOf(3);
    const lines = logged.filter((e) => e.nodeId === 'print');
    expect(lines.map((e) => e.message)).toEqual([0, 1, 2].map((i) => expect.stringMatching(`^ok \\{"id":"gen-${i}"`)));
    expect(lines.every((e) => e.level === 'info')).toBe(true);
  }, 30_000);

  it('sends at most CONSOLE_LOG_PER_SECOND lines a second and says how many more there were', async () => {
    const logged = await logsOf(5000);
    const lines = logged.filter((e) => e.nodeId === 'print');
    expect(lines.length).toBeGreaterThanOrEqual(CONSOLE_LOG_PER_SECOND);
    expect(lines.length).toBeLessThan(5000);
    const summaries = logged.filter((e) => e.nodeId === null && /more console lines/.test(e.message));
    const skipped = summaries.reduce((n, e) => n + Number(/… (\d+) more/.exec(e.message)![1]), 0);
    expect(lines.length + skipped).toBe(5000);
  }, 30_000);
});

describe('EngineService.previewRun: what a resumed run restores', () => {
  it('names the nodes that restore and those that start empty, says what that means downstream, and the run says where it resumed', async () => {
    const svc = new EngineService({
      roots: [project],
      examplesDir,
      startRun: (options) => startRealRun({ ...options, metricsIntervalMs: 100 }),
    });
    const events: RunEvent[] = [];
    svc.subscribe((e) => events.push(e));
    const graph = (count: number) => ({
      ...smallGraph('Counts'),
      settings: { checkpointIntervalMs: 100 },
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count, keys: 3 } },
        { id: 'agg', type: 'aggregate', config: { op: 'count' } },
        { id: 'out', type: 'sink.discard', config: {} },
      ],
      edges: [
        { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'agg', port: 'in' } },
        { id: 'e2', from: { node: 'agg', port: 'out' }, to: { node: 'out', port: 'in' } },
      ],
    });
    const file = path.join(project, 'counts.sluice.json');
    expect(await svc.previewRun({ graph: graph(2000) as never, path: file })).toBeNull();
    const first = await svc.startRun({ graph: graph(2000) as never, path: file });
    await expect
      .poll(() => events.some((e) => e.type === 'runEnded' && e.runId === first.runId), { timeout: 20_000 })
      .toBe(true);
    expect(events.find((e) => e.type === 'runStarted' && e.runId === first.runId)).toMatchObject({ resumedFrom: null });

    // Unchanged: everything restores, nothing to warn about.
    const same = await svc.previewRun({ graph: graph(2000) as never, path: file });
    expect(same).toMatchObject({ empty: [], dropped: [], consequences: [], refusal: null });
    expect(same!.restored).toEqual(['gen', 'agg', 'out']);
    // The generator's count changed: it starts over while the aggregate keeps its totals.
    const edited = await svc.previewRun({ graph: graph(3000) as never, path: file });
    expect(edited!.empty).toEqual([{ nodeId: 'gen', why: expect.stringMatching(/^config changed/) }]);
    expect(edited!.restored).toEqual(['agg', 'out']);
    expect(edited!.consequences).toEqual([
      expect.stringMatching(/^"gen" starts again from its first event while "agg" keeps its state/),
    ]);
    expect(await svc.previewRun({ graph: graph(3000) as never, path: file, fresh: true })).toBeNull();

    const second = await svc.startRun({ graph: graph(3000) as never, path: file });
    const started = events.find((e) => e.type === 'runStarted' && e.runId === second.runId);
    expect(started).toMatchObject({ resumedFrom: same!.checkpointId });
    expect(
      events.some((e) => e.type === 'logged' && e.runId === second.runId && /config changed/.test(e.message)),
    ).toBe(true);
    await svc.stopAll();
  }, 40_000);
});

describe('EngineService.startGroupRun refusals (before any NATS is reached)', () => {
  const split = (extra: Record<string, unknown> = {}) => ({
    ...smallGraph('Split'),
    settings: { partitions: 4 },
    ...extra,
  });
  const start = (graph: Record<string, unknown>, more: Record<string, unknown> = {}) =>
    service.startGroupRun({ graph: graph as never, trusted: true, group: 'orders', ...more });

  it('refuses a graph without settings.partitions, naming the setting, as a sentence', async () => {
    await expect(start(smallGraph('Unsplit'))).rejects.toThrow(/^Graph "Unsplit" has no settings\.partitions/);
  });

  it('refuses a group name JetStream cannot hold', async () => {
    await expect(start(split(), { group: 'two words' })).rejects.toThrow(/^Group name "two words" is not allowed/);
  });

  it('refuses untrusted code as a plain run does', async () => {
    await expect(
      service.startGroupRun({ graph: { ...withCode(), settings: { partitions: 4 } } as never, group: 'orders' }),
    ).rejects.toThrow(/confirm that you trust it/);
  });

  it('refuses a NATS field that is no NATS URL, or names a connection the graph does not have', async () => {
    await expect(start(split(), { natsUrl: 'http://127.0.0.1:4222' })).rejects.toThrow(
      '"http://127.0.0.1:4222" is not a NATS URL (nats://host:4222).',
    );
    await expect(
      start(split({ connections: { db: { url: 'postgres://127.0.0.1/test' } } }), { natsUrl: 'bus' }),
    ).rejects.toThrow(/The NATS URL cannot be used: “bus” is neither a URL nor one of the graph’s connections \(db\)/);
  });
});

describe('EngineService: ${keychain:…} secrets (the desktop app’s OS keychain)', () => {
  const hookGraph = (url: string) => ({
    ...smallGraph('Keychain hook'),
    nodes: [
      { id: 'gen', type: 'source.generator', config: { count: 3 } },
      { id: 'hook', type: 'sink.http', config: { url, batch: 10 } },
    ],
    edges: [{ id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'hook', port: 'in' } }],
  });

  it('outside the desktop app, validate and run say to use ${env:NAME}, as one sentence', async () => {
    const graph = hookGraph('http://bot:${keychain:HOOK_PW}@127.0.0.1:9/hook');
    const problems = await service.validate(graph);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([
      {
        severity: 'error',
        nodeId: 'hook',
        field: 'url',
        message:
          'Node "hook": url: ${keychain:HOOK_PW}: keychain secrets are available in the desktop app; use ${env:NAME} here.',
      },
    ]);
    await expect(service.startRun({ graph: graph as never })).rejects.toThrow(
      'The graph cannot run: node hook: Node "hook": url: ${keychain:HOOK_PW}: keychain secrets are available in the desktop app; use ${env:NAME} here.',
    );
    expect(runs).toHaveLength(0);
  });

  it('resolves a secret the keychain holds when the run starts: percent-encoded in the URL, the client sends it as typed', async () => {
    // A webhook that records the Basic credentials it was sent.
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString());
      req.resume();
      req.on('end', () => res.writeHead(200).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const keychain: Record<string, string> = {};
    const svc = new EngineService({
      roots: [project],
      examplesDir,
      keychain: () => keychain,
      startRun: (options) => startRealRun({ ...options, metricsIntervalMs: 100 }),
    });
    const graph = hookGraph(`http://bot:\${keychain:HOOK_PW}@127.0.0.1:${port}/hook`);
    try {
      expect((await svc.validate(graph)).map((p) => p.message)).toContain(
        'Node "hook": url: ${keychain:HOOK_PW} is not in this computer\'s keychain; save it with “Save in keychain” in the Connections panel.',
      );
      // Saved a moment later (main hands the new value over): the next run has it.
      keychain.HOOK_PW = 'p@ss w0rd:/';
      expect((await svc.validate(graph)).filter((p) => p.severity === 'error')).toEqual([]);
      const ended: RunEvent[] = [];
      svc.subscribe((e) => {
        if (e.type === 'runEnded') ended.push(e);
      });
      await svc.startRun({ graph: graph as never });
      await expect.poll(() => ended.length, { timeout: 30_000 }).toBe(1);
      expect(ended[0]).toMatchObject({ status: 'finished' });
      expect(seen.length).toBeGreaterThan(0);
      expect(new Set(seen)).toEqual(new Set(['bot:p@ss w0rd:/']));
    } finally {
      server.close();
    }
  }, 40_000);

  it('removes the secrets from what runs say (log lines, reasons) before a subscriber sees it', async () => {
    const svc = new EngineService({
      roots: [project],
      examplesDir,
      keychain: () => ({ HOOK_PW: 'hunter22' }),
      startRun: async (options) => {
        const run = new FakeRun(options, runs.length + 1);
        runs.push(run);
        return run;
      },
    });
    const seen: RunEvent[] = [];
    svc.subscribe((e) => seen.push(e));
    const { runId } = await svc.startRun({
      graph: hookGraph('http://bot:${keychain:HOOK_PW}@127.0.0.1:9/hook') as never,
    });
    runs[0]?.emit({ type: 'logged', runId, nodeId: 'hook', level: 'error', message: 'login bot:hunter22 refused' });
    runs[0]?.emit({ type: 'runEnded', runId, status: 'failed', reason: 'hunter22 refused' });
    expect(JSON.stringify(seen)).not.toContain('hunter22');
    expect(seen.filter((e) => e.type === 'logged').map((e) => (e as { message: string }).message)).toContain(
      'login bot:${keychain:HOOK_PW} refused',
    );
  });
});
