import { describe, expect, it } from 'vitest';
import type { GraphFile } from '../../../../../engine/contract/graphFile.js';
import { readAlerts } from '../../../../../engine/graph/alerts/readAlerts.js';
import { loadGraph } from '../../../../../engine/graph/loadGraph.js';
import { saveGraph } from '../../../../../engine/graph/saveGraph.js';
import { validate } from '../../../../../engine/graph/validate.js';
import { pipeline, registry } from '../fixtureRegistry.js';

/** gen → double → out (edges e1, e2), plus a topic with one subscription (e3 → t → e4). */
function graph(alerts: unknown): GraphFile {
  return {
    format: 'sluice/graph',
    version: 1,
    name: 'Alerted',
    nodes: [
      { id: 'gen', type: 'source.gen', config: {} },
      { id: 'double', type: 'map', config: {} },
      { id: 'out', type: 'sink.file', config: {} },
      { id: 't', type: 'topic', config: {} },
      { id: 'sub', type: 'sink.file', config: {} },
    ],
    edges: [
      { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'double', port: 'in' } },
      { id: 'e2', from: { node: 'double', port: 'out' }, to: { node: 'out', port: 'in' } },
      { id: 'e3', from: { node: 'gen', port: 'out' }, to: { node: 't', port: 'in' } },
      { id: 'e4', from: { node: 't', port: 'out' }, to: { node: 'sub', port: 'in' } },
    ],
    alerts: alerts as GraphFile['alerts'],
  };
}

describe('readAlerts', () => {
  it('reads rules with defaults: the when text as id, no hold, no notification', () => {
    const { alerts, problems } = readAlerts(
      graph([
        { when: 'edge  e4 lag >   1000', forMs: 10000, notify: 'desktop' },
        { id: 'errors', when: 'node double errors > 0', clearForMs: 5000 },
      ]),
    );
    expect(problems).toEqual([]);
    expect(alerts.map(({ condition: _c, ...rest }) => rest)).toEqual([
      { id: 'edge e4 lag > 1000', when: 'edge e4 lag > 1000', forMs: 10000, clearForMs: 0, notify: 'desktop' },
      { id: 'errors', when: 'node double errors > 0', forMs: 0, clearForMs: 5000, notify: 'none' },
    ]);
  });

  it('has nothing to say about a graph without alerts', () => {
    expect(readAlerts(graph(undefined))).toEqual({ alerts: [], problems: [] });
  });

  it('refuses alerts that are not a list of objects', () => {
    expect(readAlerts(graph({ when: 'run rate < 1' })).problems).toEqual([
      {
        severity: 'error',
        field: 'alerts',
        message: 'The graph’s alerts must be a list of rules such as { "when": "edge e1 lag > 1000" }, not an object.',
      },
    ]);
    expect(readAlerts(graph(['run rate < 1'])).problems).toEqual([
      {
        severity: 'error',
        field: 'alerts[0]',
        message: 'Alert #1 must be an object such as { "when": "edge e1 lag > 1000" }, not a string.',
      },
    ]);
  });

  it('names the alert and the field of a when that does not parse or names no such edge or node', () => {
    const { alerts, problems } = readAlerts(
      graph([
        { when: 'run rate < 1' },
        { when: 'edge e9 lag > 10' },
        { id: 'slow', when: 'node doubel busy > 90%' },
        { when: 'edge e1 lagg > 10' },
        {},
      ]),
    );
    expect(alerts.map((a) => a.id)).toEqual(['run rate < 1']);
    expect(problems).toEqual([
      {
        severity: 'error',
        field: 'alerts[1].when',
        message: 'Alert #2 (edge e9 lag > 10) watches edge "e9", which does not exist (did you mean "e1"?).',
      },
      {
        severity: 'error',
        field: 'alerts[2].when',
        message: 'Alert "slow" watches node "doubel", which does not exist (did you mean "double"?).',
      },
      {
        severity: 'error',
        field: 'alerts[3].when',
        message: expect.stringMatching(
          /^Alert #4 \(edge e1 lagg > 10\) names the metric "lagg", which an edge does not have \(did you mean "lag"\?\); metrics of an edge are lag, rate,.*\.$/,
        ),
      },
      { severity: 'error', field: 'alerts[4].when', message: 'Alert #5 has no "when", the condition it watches.' },
    ]);
  });

  it('refuses bad hold times, an unknown notify and a non-text when or id', () => {
    const { alerts, problems } = readAlerts(
      graph([
        { when: 'run rate < 1', forMs: -1 },
        { when: 'run rate < 2', clearForMs: 1.5 },
        { when: 'run rate < 3', forMs: 90_000_000 },
        { when: 'run rate < 4', notify: 'email' },
        { when: 42 },
        { id: 7, when: 'run rate < 5' },
      ]),
    );
    expect(alerts).toEqual([]);
    expect(problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'alerts[0].forMs: Alert #1 (run rate < 1) has forMs -1; it must be a whole number of milliseconds from 0 to 86400000 (a day).',
      'alerts[1].clearForMs: Alert #2 (run rate < 2) has clearForMs 1.5; it must be a whole number of milliseconds from 0 to 86400000 (a day).',
      'alerts[2].forMs: Alert #3 (run rate < 3) has forMs 90000000; it must be a whole number of milliseconds from 0 to 86400000 (a day).',
      'alerts[3].notify: Alert #4 (run rate < 4) has notify "email"; it must be "desktop" or "none".',
      'alerts[4].when: Alert #5 has a "when" that is not text (a number).',
      'alerts[5].id: Alert #6 (run rate < 5) has an id that is not text (a number).',
    ]);
  });

  it('refuses two alerts with one id, and says how to tell two equal conditions apart', () => {
    const { alerts, problems } = readAlerts(
      graph([
        { id: 'a', when: 'run rate < 1' },
        { id: 'a', when: 'run rate < 2' },
        { when: 'run errors > 0', forMs: 1000 },
        { when: 'run  errors > 0', forMs: 60000 },
      ]),
    );
    expect(alerts.map((a) => a.id)).toEqual(['a', 'run errors > 0']);
    expect(problems).toEqual([
      {
        severity: 'error',
        field: 'alerts[1].id',
        message: 'Alert "a" has the same id as alert #1; alert ids must be unique.',
      },
      {
        severity: 'error',
        field: 'alerts[3].when',
        message: 'Alert #4 (run errors > 0) has the same "when" as alert #3; give one of them an "id".',
      },
    ]);
  });

  it('warns about unknown keys and about lag on an edge that is no topic subscription', () => {
    const { alerts, problems } = readAlerts(
      graph([{ when: 'edge e1 lag > 10', for: 1000 }, { when: 'edge e4 lag > 10' }]),
    );
    expect(alerts).toHaveLength(2);
    expect(problems).toEqual([
      {
        severity: 'warning',
        field: 'alerts[0].for',
        message: 'Alert #1 (edge e1 lag > 10) has an unknown key "for", which is ignored (did you mean "forMs"?).',
      },
      {
        severity: 'warning',
        field: 'alerts[0].when',
        message:
          'Alert #1 (edge e1 lag > 10) watches the lag of edge "e1", which is no topic subscription and has no lag, so it never fires.',
      },
    ]);
  });

  it('is part of validate: an alert on an unknown edge makes the graph invalid', () => {
    const g = pipeline();
    g.alerts = [{ when: 'edge e7 rate < 1' }];
    expect(validate(g, registry)).toEqual([
      {
        severity: 'error',
        field: 'alerts[0].when',
        message: 'Alert #1 (edge e7 rate < 1) watches edge "e7", which does not exist (did you mean "e1"?).',
      },
    ]);
    g.alerts = [{ when: 'edge e2 rate < 1', forMs: 5000 }];
    expect(validate(g, registry)).toEqual([]);
  });

  it('survives a save and load round trip as written', () => {
    const g = pipeline();
    g.alerts = [{ id: 'lag', when: 'edge e1 rate < 1', forMs: 10000, notify: 'desktop', note: 'kept' }];
    const loaded = loadGraph(saveGraph(g));
    if (!loaded.ok) throw new Error(loaded.error);
    expect(loaded.graph.alerts).toEqual(g.alerts);
    expect(saveGraph(loaded.graph)).toBe(saveGraph(g));
  });
});
