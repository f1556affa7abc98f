import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GraphFile } from '../../../../engine/contract/graphFile.js';
import { disabledOperator } from '../../../../engine/runtime/worker/disabledOperator.js';
import { nodeRegistry } from '../../../../engine/nodes/registry.js';
import { graphOf, runToEnd, type GraphSpec } from './runGraph.js';

const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter(Boolean);

/** The graph of `spec` with the nodes `off` disabled. */
function withDisabled(spec: GraphSpec, off: readonly string[]): GraphFile {
  const g = graphOf(spec);
  return { ...g, nodes: g.nodes.map((n) => (off.includes(n.id) ? { ...n, disabled: true } : n)) };
}

describe('a disabled node passes nothing and blocks nothing', () => {
  for (const fuse of [true, false]) {
    it(`a disabled map takes every event, emits none, and the run still finishes (fusion ${fuse ? 'on' : 'off'})`, async () => {
      const g = withDisabled(
        {
          nodes: [
            { id: 'gen', type: 'source.generator', config: { count: 5000 } },
            { id: 'sq', type: 'map', config: { expression: 'value.seq * value.seq' } },
            { id: 'out', type: 'sink.file', config: { path: 'out.jsonl' } },
          ],
          edges: ['gen -> sq', 'sq -> out'],
        },
        ['sq'],
      );
      const r = await runToEnd(g, { fuse, maxWorkers: 2 });
      expect(r.result.status).toBe('finished');
      // Upstream was never held back: every event reached the disabled node.
      expect(r.last.edges['e1']!.total).toBe(5000);
      expect(r.last.nodes['sq']!.in).toBe(5000);
      expect(r.last.edges['e2']!.total).toBe(0);
      expect(existsSync(join(r.dir, 'out.jsonl')) ? lines(join(r.dir, 'out.jsonl')) : []).toEqual([]);
    });
  }

  it('a disabled source ends at once, so the node it feeds with another source finishes on the other alone', async () => {
    const g = withDisabled(
      {
        nodes: [
          { id: 'a', type: 'source.generator', config: { count: 700 } },
          { id: 'b', type: 'source.generator', config: { count: 300 } },
          { id: 'id', type: 'map', config: { expression: 'value' } },
          { id: 'out', type: 'sink.file', config: { path: 'out.jsonl' } },
        ],
        edges: ['a -> id', 'b -> id', 'id -> out'],
      },
      ['a'],
    );
    const r = await runToEnd(g, { maxWorkers: 2 });
    expect(r.result.status).toBe('finished');
    expect(r.last.edges['e1']!.total).toBe(0);
    expect(lines(join(r.dir, 'out.jsonl'))).toHaveLength(300);
  });

  it('a disabled sink opens nothing: no file is written', async () => {
    const g = withDisabled(
      {
        nodes: [
          { id: 'gen', type: 'source.generator', config: { count: 100 } },
          { id: 'out', type: 'sink.file', config: { path: 'never.jsonl' } },
        ],
        edges: ['gen -> out'],
      },
      ['out'],
    );
    const r = await runToEnd(g);
    expect(r.result.status).toBe('finished');
    expect(r.last.nodes['out']!.in).toBe(100);
    expect(existsSync(join(r.dir, 'never.jsonl'))).toBe(false);
  });

  it('keeps the state it was restored with, so enabling the node again resumes it', () => {
    for (const type of ['aggregate', 'source.generator']) {
      const op = disabledOperator(nodeRegistry.get(type)!);
      expect(op.snapshot?.(1)).toBeUndefined();
      op.restore?.({ counts: [['k', 3]] });
      expect(op.snapshot?.(2)).toEqual({ counts: [['k', 3]] });
    }
    const source = disabledOperator(nodeRegistry.get('source.generator')!);
    expect(source.kind === 'source' && source.poll(100, { emit: () => undefined })).toBe('end');
  });
});
