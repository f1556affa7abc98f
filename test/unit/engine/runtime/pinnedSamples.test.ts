import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GraphFile } from '../../../../engine/contract/graphFile.js';
import { graphOf, runToEnd } from './runGraph.js';

const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter(Boolean);

/** gen (1,000 of its own) → double → out.jsonl, with a three-event sample pinned to gen. */
function pinnedGraph(): GraphFile {
  const g = graphOf({
    nodes: [
      { id: 'gen', type: 'source.generator', config: { count: 1000 } },
      { id: 'double', type: 'map', config: { expression: '({ n: value.n * 2, key })' } },
      { id: 'out', type: 'sink.file', config: { path: 'out.jsonl' } },
    ],
    edges: ['gen -> double', 'double -> out'],
  });
  const pinned = [{ key: 'a', value: { n: 1 } }, { value: { n: 2 } }, { key: 'c', time: 5, value: { n: 3 } }];
  return { ...g, nodes: g.nodes.map((n) => (n.id === 'gen' ? { ...n, pinned } : n)) };
}

describe('a source’s pinned sample', () => {
  it('is what a design run emits, in order, with its keys', async () => {
    const r = await runToEnd(pinnedGraph(), { usePinned: true });
    expect(r.result.status).toBe('finished');
    expect(lines(join(r.dir, 'out.jsonl')).map((l) => JSON.parse(l))).toEqual([
      { n: 2, key: 'a' },
      { n: 4, key: null },
      { n: 6, key: 'c' },
    ]);
  });

  it('is ignored by any other run (the CLI’s): the source emits its own events', async () => {
    const r = await runToEnd(pinnedGraph());
    expect(r.result.status).toBe('finished');
    expect(lines(join(r.dir, 'out.jsonl'))).toHaveLength(1000);
  });
});
