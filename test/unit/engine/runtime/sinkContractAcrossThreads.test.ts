import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventSchema } from '../../../../engine/contract/index.js';
import { StateStore } from '../../../../engine/store/StateStore.js';
import { graphOf, runToEnd } from './runGraph.js';

// A sink's contract is checked by the producer before the thread hop (the verdict travels with
// the batch): what passes is written as it came, what fails is still the sink's own failure,
// in its dead letters with the field path, whether the sink is on another thread or fused.

const ORDERS: EventSchema = {
  name: 'orders',
  version: 1,
  ref: 'orders@1',
  file: 'orders@1.schema.json',
  schema: {
    type: 'object',
    properties: { seq: { type: 'integer' }, amount: { type: 'number' } },
    required: ['seq', 'amount'],
  },
  compatibility: 'BACKWARD',
};

describe('a sink contract across a thread hop', () => {
  for (const fuse of [false, true]) {
    it(`writes the events that pass and dead-letters the others as the sink's (fuse: ${fuse})`, async () => {
      const graph = graphOf({
        nodes: [
          { id: 'gen', type: 'source.generator', config: { count: 300, valueExpression: '({ seq: i })' } },
          {
            id: 'price',
            type: 'map',
            config: { expression: "({ ...value, amount: value.seq % 50 === 7 ? 'free' : value.seq * 2 })" },
          },
          { id: 'log', type: 'sink.file', config: { path: 'out/log.jsonl', contract: 'orders@1' } },
        ],
        edges: ['gen -> price', 'price -> log'],
      });
      const statePath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sink-contract-')), 's.db');
      const run = await runToEnd(graph, {
        statePath,
        dir: path.dirname(statePath),
        fuse,
        maxWorkers: 3,
        schemas: [ORDERS],
      });
      expect(run.result.status).toBe('finished');
      const lines = fs
        .readFileSync(path.join(run.dir, 'out', 'log.jsonl'), 'utf8')
        .trim()
        .split('\n');
      expect(lines).toHaveLength(300 - 6);
      expect(lines.every((l) => typeof (JSON.parse(l) as { amount: unknown }).amount === 'number')).toBe(true);
      expect(run.last.nodes['log']?.errors).toBe(6);
      const store = StateStore.open(statePath);
      try {
        const letters = store.listDeadLetters({ limit: 100 });
        expect(letters).toHaveLength(6);
        for (const l of letters) {
          expect(l.nodeId).toBe('log');
          expect(l.error).toContain('orders@1: field amount must be a number');
          expect(l.error).toContain('(at /amount)');
        }
      } finally {
        store.close();
      }
      fs.rmSync(path.dirname(statePath), { recursive: true, force: true });
    }, 60_000);
  }
});
