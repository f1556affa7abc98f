import { describe, expect, it } from 'vitest';
import { sourceFile } from '../../../../engine/nodes/sourceFile.js';
import { MemoryIo, SourceHarness } from './harness.js';

function withFile(path: string, text: string): MemoryIo {
  const io = new MemoryIo();
  io.files.set(io.resolvePath(path), text);
  return io;
}

describe('source.file', () => {
  it('emits one event per JSON line with id <node>-<line number>, key and time from fields', () => {
    const io = withFile('in.jsonl', '{"user":"a","ts":10,"n":1}\n{"user":"b","ts":20,"n":2}\n');
    const h = new SourceHarness(
      sourceFile,
      { path: 'in.jsonl', keyField: 'user', timeField: 'ts' },
      { io, nodeId: 'src', now: 99 },
    );
    h.open();
    expect(h.drain()).toBe('end');
    expect(h.out.on('out')).toEqual([
      { id: 'src-1', key: 'a', time: 10, value: { user: 'a', ts: 10, n: 1 }, emittedAt: 99 },
      { id: 'src-2', key: 'b', time: 20, value: { user: 'b', ts: 20, n: 2 }, emittedAt: 99 },
    ]);
  });

  it('resolves the path through io and opens the reader from the start', () => {
    const io = withFile('data/in.jsonl', '1\n');
    const h = new SourceHarness(sourceFile, { path: 'data/in.jsonl' }, { io });
    h.open().drain();
    expect(io.openedReaders).toEqual([{ path: '/graphs/data/in.jsonl', fromOffset: 0, follow: false }]);
  });

  it('uses the read time and a null key when no fields are configured', () => {
    const io = withFile('in.jsonl', '{"a":1}\n');
    const h = new SourceHarness(sourceFile, { path: 'in.jsonl' }, { io, now: 1234 });
    h.open().drain();
    expect(h.out.on('out')[0]).toMatchObject({ key: null, time: 1234 });
  });

  it('skips blank lines and dead-letters a malformed JSON line, then goes on reading', () => {
    const io = withFile('in.jsonl', '{"a":1}\n\n{oops\n   \n{"a":2}\n');
    const h = new SourceHarness(sourceFile, { path: 'in.jsonl' }, { io });
    h.open().drain();
    expect(h.out.values()).toEqual([{ a: 1 }, { a: 2 }]);
    expect(h.out.on('out').map((e) => e.id)).toEqual(['n1-1', 'n1-5']);
    expect(h.ctx.deadLetters).toHaveLength(1);
    expect(h.ctx.deadLetters[0]?.event.value).toBe('{oops');
    expect(h.ctx.deadLetters[0]?.error).toMatch(/Line 3 of in\.jsonl is not valid JSON/);
  });

  it('reads CSV with a header row, parsing numbers and quoted fields with commas', () => {
    const io = withFile('in.csv', 'name,amount,note\r\nalice,12.5,"hi, there"\nbob,-3,"say ""yes"""\n');
    const h = new SourceHarness(sourceFile, { path: 'in.csv', format: 'csv', keyField: 'name' }, { io });
    h.open().drain();
    expect(h.out.on('out').map((e) => [e.id, e.key, e.value])).toEqual([
      ['n1-2', 'alice', { name: 'alice', amount: 12.5, note: 'hi, there' }],
      ['n1-3', 'bob', { name: 'bob', amount: -3, note: 'say "yes"' }],
    ]);
  });

  it('emits at most the budget per poll', () => {
    const io = withFile('in.jsonl', '1\n2\n3\n4\n5\n');
    const h = new SourceHarness(sourceFile, { path: 'in.jsonl' }, { io });
    h.open();
    expect(h.poll(2)).toBe('more');
    expect(h.out.on('out')).toHaveLength(2);
  });

  it('resumes exactly after the last consumed line from its snapshot, header included', () => {
    const text = 'a,b\n1,2\n3,4\n5,6\n';
    const a = new SourceHarness(sourceFile, { path: 'in.csv', format: 'csv' }, { io: withFile('in.csv', text) });
    a.open();
    a.poll(2);
    const state = a.op.snapshot(1);
    expect(state).toEqual({ offset: 8, line: 2, header: ['a', 'b'] });
    const io = withFile('in.csv', text);
    const b = new SourceHarness(sourceFile, { path: 'in.csv', format: 'csv' }, { io });
    b.op.restore(state);
    b.open().drain();
    expect(io.openedReaders[0]?.fromOffset).toBe(8);
    expect(b.out.on('out').map((e) => [e.id, e.value])).toEqual([
      ['n1-3', { a: 3, b: 4 }],
      ['n1-4', { a: 5, b: 6 }],
    ]);
  });

  it('counts byte offsets, not characters, for non-ASCII lines', () => {
    const a = new SourceHarness(sourceFile, { path: 'in.jsonl' }, { io: withFile('in.jsonl', '"héllo"\n"wörld"\n') });
    a.open();
    a.poll(1);
    expect((a.op.snapshot(1) as { offset: number }).offset).toBe(9);
  });

  it('in follow mode goes idle with a timer at end of file and picks up appended lines', () => {
    const io = withFile('in.jsonl', '1\n');
    const h = new SourceHarness(sourceFile, { path: 'in.jsonl', follow: true }, { io });
    h.open();
    expect(h.poll()).toBe('more');
    expect(h.poll()).toBe('idle');
    expect(h.ctx.timer).toBe(h.ctx.clock + 100);
    io.append('/graphs/in.jsonl', '2\n3');
    h.advance(100);
    h.poll();
    expect(h.out.values()).toEqual([1, 2]);
    io.append('/graphs/in.jsonl', '\n');
    h.poll();
    expect(h.out.values()).toEqual([1, 2, 3]);
  });
});
