import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../connectors/connectorTestKit.js';
import { freePort } from '../connectors/brokerTestKit.js';
import { startLive } from '../connectors/runUntil.js';
import { graphOf, runToEnd } from '../runtime/runGraph.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-http-test-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function lines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

describe('source.http', () => {
  // A run's workers take seconds to start on a loaded 2-core machine (CI runs suites in parallel).
  it('turns POSTed JSON into events and answers 200 once the sink has them durably', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const out = path.join(dir, `hook-${port}.jsonl`);
    const graph = graphOf({
      settings: { checkpointIntervalMs: 200 },
      nodes: [
        { id: 'hook', type: 'source.http', config: { port, token: 's3cret', keyExpression: 'value.user' } },
        { id: 'out', type: 'sink.file', config: { path: out, envelope: true } },
      ],
      edges: ['hook -> out'],
    });
    const live = await startLive(graph, dir, path.join(dir, `hook-${port}.db`));
    try {
      const url = `http://127.0.0.1:${port}/events`;
      await waitFor('listening', () => live.last()?.nodes['hook']?.connection?.state === 'connected');
      const auth = { Authorization: 'Bearer s3cret', 'Content-Type': 'application/json' };
      const res = await fetch(url, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify([{ user: 'ann' }, { user: 'bob' }]),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ accepted: 2 });
      // 200 came once the checkpoint covering both is durable; the file shows them when the sink's commit (on another worker) runs.
      await waitFor('two lines', () => lines(out).length >= 2);
      const events = lines(out).map((l) => JSON.parse(l) as { id: string; key: string });
      expect(events.map((e) => [e.id, e.key])).toEqual([
        ['http-0', 'ann'],
        ['http-1', 'bob'],
      ]);
      const bad = await fetch(url, { method: 'POST', headers: auth, body: '{"user":' });
      expect(bad.status).toBe(400);
      const unauthorised = await fetch(url, { method: 'POST', body: '{}' });
      expect(unauthorised.status).toBe(401);
    } finally {
      await live.run.stop();
    }
  });

  it('fails with one line when its port is taken', async () => {
    const port = await freePort();
    const blocker = (await import('node:http')).createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const graph = graphOf({
        nodes: [
          { id: 'hook', type: 'source.http', config: { port } },
          { id: 'out', type: 'sink.file', config: { path: 'never.jsonl' } },
        ],
        edges: ['hook -> out'],
      });
      const r = await runToEnd(graph, { dir, durationMs: 15_000 });
      expect(r.result.status).toBe('failed');
      expect(r.result.reason).toMatch(new RegExp(`^node "hook": .*port ${port} on 127\\.0\\.0\\.1 is already in use$`));
    } finally {
      blocker.close();
    }
  });
});
