/**
 * `sluice run --prometheus <port>` and alerts, as a user meets them (SPEC §14): the bundled CLI
 * in a child process, scraped over HTTP mid-run, the text parsed by a parser that is not ours,
 * and the figures compared with the run's own --metrics file and the sink's output.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsSnapshot } from '../../engine/contract/index.js';
import { linesOf, runCli, writeGraph } from './sluiceCli.js';
import { prometheusSamples, sample, type Family } from './prometheusSamples.js';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-prometheus-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A port nobody listens on now (the OS's pick, released). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const jsonl = (from: number, to: number): string =>
  Array.from({ length: to - from }, (_, i) => JSON.stringify({ seq: from + i })).join('\n') + '\n';

/**
 * A followed file → keep even seq → map → sink.file. `follow` keeps the run alive once the file
 * is read, so its totals stand still while the test compares them. Alert "stalled" fires once
 * the file's events stop arriving for half a second.
 */
function followGraph(dir: string): { graph: string; data: string; out: string } {
  fs.mkdirSync(dir, { recursive: true });
  const data = path.join(dir, 'in.jsonl');
  fs.writeFileSync(data, jsonl(0, 300));
  const graph = writeGraph(dir, {
    format: 'sluice/graph',
    version: 1,
    name: 'Scraped',
    settings: { checkpointIntervalMs: 200 },
    nodes: [
      { id: 'read', type: 'source.file', config: { path: 'in.jsonl', format: 'jsonl', follow: true } },
      { id: 'even', type: 'filter', config: { predicate: 'value.seq % 2 === 0' } },
      { id: 'tag', type: 'map', config: { expression: '({ ...value, even: true })' } },
      { id: 'out', type: 'sink.file', config: { path: 'out/even.jsonl' } },
    ],
    edges: [
      { id: 'e1', from: { node: 'read', port: 'out' }, to: { node: 'even', port: 'in' } },
      { id: 'e2', from: { node: 'even', port: 'out' }, to: { node: 'tag', port: 'in' } },
      { id: 'e3', from: { node: 'tag', port: 'out' }, to: { node: 'out', port: 'in' } },
    ],
    alerts: [
      { id: 'stalled', when: 'edge e1 rate < 1', forMs: 500, notify: 'desktop' },
      { when: 'node tag errorsTotal > 0' },
    ],
  });
  return { graph, data, out: path.join(dir, 'out', 'even.jsonl') };
}

async function scrape(port: number): Promise<Map<string, Family>> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  return prometheusSamples(await res.text());
}

/** Scrape until `ok` holds for a scrape (a scrape that fails to connect counts as not yet). */
async function scrapeUntil(port: number, ok: (s: Map<string, Family>) => boolean, what: string) {
  const deadline = Date.now() + 20_000;
  let last: Map<string, Family> | null = null;
  while (Date.now() < deadline) {
    try {
      last = await scrape(port);
      if (ok(last)) return last;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no scrape showed ${what} within 20 s; last: ${JSON.stringify([...(last?.keys() ?? [])])}`);
}

const G = 'Scraped';
const edgeTotal = (s: Map<string, Family>, edge: string) => sample(s, 'sluice_edge_events_total', { graph: G, edge });
const firing = (s: Map<string, Family>, alert: string) => sample(s, 'sluice_alert_firing', { graph: G, alert });
const NODE_TYPES: Record<string, string> = { read: 'source.file', even: 'filter', tag: 'map', out: 'sink.file' };

/** The last line of the --metrics file (whole lines only: the run may be writing one). */
function lastFrame(file: string): MetricsSnapshot | null {
  if (!fs.existsSync(file)) return null;
  const text = fs.readFileSync(file, 'utf8');
  const lines = linesOf(text.slice(0, text.lastIndexOf('\n') + 1));
  return lines.length ? (JSON.parse(lines.at(-1)!) as MetricsSnapshot) : null;
}

describe('sluice run --prometheus', () => {
  it('serves the run’s metrics mid-run, equal to its --metrics frames and its sink, with alert state', async () => {
    const dir = path.join(root, 'scraped');
    const g = followGraph(dir);
    const metrics = path.join(dir, 'metrics.jsonl');
    const port = await freePort();
    let child: ChildProcess | null = null;
    const done = runCli(
      ['run', g.graph, '--state', path.join(dir, 'state.db'), '--metrics', metrics, '--prometheus', String(port)],
      {
        cwd: dir,
        timeoutMs: 60_000,
        onStderr: (_chunk, c) => (child ??= c),
      },
    );

    // 1. The file's 300 events are through, the sink has the 150 even ones, and the stalled
    //    alert fires once nothing has arrived for half a second.
    let s = await scrapeUntil(
      port,
      (x) => edgeTotal(x, 'e3') === 150 && firing(x, 'stalled') === 1,
      'e3 at 150 and "stalled" firing',
    );
    expect(edgeTotal(s, 'e1')).toBe(300);
    expect(edgeTotal(s, 'e2')).toBe(150);
    expect(firing(s, 'node tag errorsTotal > 0')).toBe(0);
    expect(sample(s, 'sluice_run_status', { graph: G, status: 'running' })).toBe(1);

    // 2. The same figures as the run's own --metrics file, once it has written a frame that far.
    const deadline = Date.now() + 10_000;
    let frame = lastFrame(metrics);
    while ((frame?.edges['e3']?.total ?? 0) < 150 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      frame = lastFrame(metrics);
    }
    expect(frame, 'a --metrics frame with e3 at 150').not.toBeNull();
    s = await scrape(port);
    for (const [edge, e] of Object.entries(frame!.edges)) {
      expect(edgeTotal(s, edge), `edge ${edge} total`).toBe(e.total);
      expect(sample(s, 'sluice_edge_capacity_events', { graph: G, edge })).toBe(e.capacity);
      expect(sample(s, 'sluice_edge_queued_events', { graph: G, edge })).toBe(e.queued);
    }
    for (const [node, n] of Object.entries(frame!.nodes)) {
      const labels = { graph: G, node, type: NODE_TYPES[node]! };
      expect(sample(s, 'sluice_node_in_events_total', labels), `node ${node} in`).toBe(n.in);
      expect(sample(s, 'sluice_node_out_events_total', labels), `node ${node} out`).toBe(n.out);
      expect(sample(s, 'sluice_node_errors_total', labels)).toBe(n.errors);
      expect(sample(s, 'sluice_node_dropped_events_total', labels)).toBe(n.dropped);
    }
    expect(sample(s, 'sluice_run_restarts_total', { graph: G })).toBe(frame!.run.restarts);
    expect(sample(s, 'sluice_run_checkpoints_total', { graph: G })).toBeGreaterThanOrEqual(
      frame!.run.checkpoints.count,
    );

    // 3. Lines appended to the followed file show up in the next scrapes; the alert clears
    //    while they flow and fires again once they stop.
    fs.appendFileSync(g.data, jsonl(300, 400));
    await scrapeUntil(port, (x) => edgeTotal(x, 'e1') === 400, 'e1 at 400');
    s = await scrapeUntil(
      port,
      (x) => edgeTotal(x, 'e3') === 200 && firing(x, 'stalled') === 1,
      'e3 at 200 and "stalled" firing again',
    );

    // 4. Stop: final checkpoint, exit 0. The sink holds what the scrape counted.
    (child as ChildProcess | null)?.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    const sinkLines = linesOf(fs.readFileSync(g.out, 'utf8'));
    expect(sinkLines).toHaveLength(
      sample(s, 'sluice_node_in_events_total', { graph: G, node: 'out', type: 'sink.file' })!,
    );
    expect(sinkLines).toHaveLength(200);

    const err = linesOf(r.stderr);
    expect(err[0]).toBe(`prometheus: metrics at http://127.0.0.1:${port}/metrics`);
    const alerts = err.filter((l) => l.startsWith('alert '));
    expect(
      alerts.filter((l) => l === 'alert stalled fired: edge e1 rate 0 < 1 for 500 ms').length,
    ).toBeGreaterThanOrEqual(2);
    expect(
      alerts.some((l) =>
        /^alert stalled cleared: edge e1 rate [\d,.]+, no longer < 1 \(fired for [\d.]+ (s|ms|min)\)$/.test(l),
      ),
    ).toBe(true);
    expect(alerts.at(-1)).toMatch(
      /^alert stalled cleared: edge e1 rate < 1: the run stopped \(fired for [\d.]+ (s|ms|min)( \d+ s)?\)$/,
    );
    // The CLI's alert line is its notification: no second "notify:" line for notify "desktop".
    expect(err.filter((l) => l.startsWith('notify:'))).toEqual([]);
    // The exporter closed with the run.
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  }, 90_000);

  it('refuses a port in use with exit 1 and one line, before the run starts', async () => {
    const dir = path.join(root, 'busy');
    const g = followGraph(dir);
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const r = await runCli(['run', g.graph, '--prometheus', String(port)], { cwd: dir, timeoutMs: 30_000 });
      expect(r.code).toBe(1);
      expect(linesOf(r.stderr)).toEqual([
        `cannot serve Prometheus metrics on 127.0.0.1:${port}: the port is in use (by another program, or another sluice run); choose another with --prometheus`,
      ]);
      expect(fs.existsSync(g.out)).toBe(false);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('refuses port 0 and a port that is no number with exit 1 and one line', async () => {
    const dir = path.join(root, 'zero');
    const g = followGraph(dir);
    const zero = await runCli(['run', g.graph, '--prometheus', '0'], { cwd: dir, timeoutMs: 30_000 });
    expect(zero.code).toBe(1);
    expect(linesOf(zero.stderr)).toEqual([
      '--prometheus needs a port from 1 to 65535 for Prometheus to scrape, not 0 (a random port is one no scrape config knows)',
    ]);
    const word = await runCli(['run', g.graph, '--prometheus', 'http'], { cwd: dir, timeoutMs: 30_000 });
    expect(word.code).toBe(1);
    expect(linesOf(word.stderr)).toEqual(['--prometheus must be a whole number, not "http"']);
  });

  it('refuses a graph whose alert names an unknown edge, naming the alert', async () => {
    const dir = path.join(root, 'bad-alert');
    const g = followGraph(dir);
    const graph = JSON.parse(fs.readFileSync(g.graph, 'utf8')) as { alerts: unknown[] };
    graph.alerts = [{ id: 'late', when: 'edge e7 latencyP99 > 1s' }];
    fs.writeFileSync(g.graph, JSON.stringify(graph));
    const r = await runCli(['run', g.graph], { cwd: dir, timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(linesOf(r.stderr)).toEqual([
      'error: graph: Alert "late" watches edge "e7", which does not exist (did you mean "e1"?).',
    ]);
  });
});
