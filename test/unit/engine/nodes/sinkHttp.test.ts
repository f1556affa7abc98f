import { createServer } from 'node:http';
import type { Server } from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphOf, runToEnd } from '../runtime/runGraph.js';

let dir: string;
let server: Server;
let url: string;
const bodies: Array<{ key: string; body: string }> = [];
let requests = 0;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-http-sink-test-'));
  // Every third request fails: the sink must retry until 2xx.
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (++requests % 3 === 0) return void res.writeHead(502).end();
      bodies.push({ key: String(req.headers['idempotency-key']), body: Buffer.concat(chunks).toString() });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  url = `http://127.0.0.1:${a !== null && typeof a === 'object' ? a.port : 0}/notify`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('sink.http', () => {
  // A run's workers take seconds to start on a loaded 2-core machine (CI runs suites in parallel).
  it(
    'posts every event, in batches, retrying failed requests until 2xx, with Idempotency-Key',
    { timeout: 120_000 },
    async () => {
      const graph = graphOf({
        nodes: [
          { id: 'gen', type: 'source.generator', config: { count: 95, keys: 3 } },
          { id: 'out', type: 'sink.http', config: { url, batch: 10 } },
        ],
        edges: ['gen -> out'],
      });
      const r = await runToEnd(graph, { dir, statePath: path.join(dir, 'sink.db') });
      expect(r.result.status).toBe('finished');
      const seqs = bodies.flatMap((b) => (JSON.parse(b.body) as Array<{ seq: number }>).map((v) => v.seq));
      // At least once: every event arrived; a retry after a 502 resends nothing that got a 200.
      expect(new Set(seqs).size).toBe(95);
      expect(seqs).toHaveLength(95);
      expect(bodies[0]!.key).toBe('gen-0..gen-9');
    },
  );
});
