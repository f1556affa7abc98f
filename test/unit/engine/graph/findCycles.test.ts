import { describe, expect, it } from 'vitest';
import { findCycles } from '../../../../engine/graph/findCycles.js';

const e = (from: string, to: string) => ({ from, to });

describe('findCycles', () => {
  it('finds none in a chain or a diamond', () => {
    expect(findCycles(['a', 'b', 'c', 'd'], [e('a', 'b'), e('a', 'c'), e('b', 'd'), e('c', 'd')])).toEqual([]);
  });

  it('names a loop in edge order, starting at its first node in file order', () => {
    expect(findCycles(['src', 'a', 'b', 'c'], [e('src', 'a'), e('b', 'c'), e('a', 'b'), e('c', 'a')])).toEqual([
      ['a', 'b', 'c'],
    ]);
  });

  it('finds a self-loop and separate loops, each once', () => {
    const cycles = findCycles(['a', 'b', 'c', 'd'], [e('a', 'a'), e('b', 'c'), e('c', 'b'), e('c', 'd')]);
    expect(cycles).toEqual([['a'], ['b', 'c']]);
  });

  it('ignores edges to unknown nodes', () => {
    expect(findCycles(['a'], [e('a', 'ghost'), e('ghost', 'a')])).toEqual([]);
  });

  it('handles a long chain without overflowing the stack', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `n${i}`);
    const edges = ids.slice(1).map((id, i) => e(ids[i]!, id));
    edges.push(e('n19999', 'n0'));
    const cycles = findCycles(ids, edges);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toHaveLength(20_000);
  });
});
