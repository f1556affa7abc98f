import { describe, expect, it } from 'vitest';
import { sinkFile } from '../../../../engine/nodes/sinkFile.js';
import { Harness, MemoryIo, ev } from './harness.js';

describe('sink.file', () => {
  it('writes nothing until the checkpoint covering the events completes', () => {
    const h = new Harness(sinkFile, { path: 'out.jsonl' });
    h.push([ev({ a: 1 }), ev('two')]);
    h.op.snapshot!(1);
    const file = h.ctx.io.txFiles.get('/graphs/out.jsonl')!;
    expect(file.lines).toEqual([]);
    h.op.onCheckpointComplete!(1);
    expect(file.commits).toEqual([{ checkpointId: 1, lines: ['{"a":1}', '"two"'] }]);
  });

  it('writes the whole envelope when envelope is set, without emittedAt', () => {
    const h = new Harness(sinkFile, { path: 'out.jsonl', envelope: true });
    h.push(ev(5, { id: 'x', key: 'k', time: 3, emittedAt: 99 }));
    h.op.snapshot!(1);
    h.op.onCheckpointComplete!(1);
    expect(h.ctx.io.txFiles.get('/graphs/out.jsonl')!.lines).toEqual(['{"id":"x","key":"k","time":3,"value":5}']);
  });

  it('stages its lines in the io layer at each barrier, keeps none in the checkpoint, and commits up to the completed id', () => {
    const h = new Harness(sinkFile, { path: 'out.jsonl' });
    const file = h.ctx.io.txFiles.get('/graphs/out.jsonl')!;
    h.push(ev(1));
    expect(h.op.snapshot!(1)).toBeUndefined();
    expect(file.staged.get(1)).toEqual(['1']);
    h.push(ev(2));
    h.op.snapshot!(2);
    h.push(ev(3));
    h.op.snapshot!(3);
    h.op.onCheckpointComplete!(2);
    expect(file.commits.map((c) => c.checkpointId)).toEqual([1, 2]);
    expect(file.lines).toEqual(['1', '2']);
    expect([...file.staged.keys()]).toEqual([3]);
    expect(h.op.stateSize!()).toBe(0);
  });

  it('re-stages the output a snapshot of the old format held, so an upgrade mid-run loses nothing', () => {
    const io = new MemoryIo();
    const b = new Harness(sinkFile, { path: 'out.jsonl' }, { io });
    b.op.restore!([{ checkpointId: 7, lines: ['1', '2'] }]);
    b.op.onCheckpointComplete!(7);
    b.push(ev(3));
    b.op.snapshot!(8);
    b.op.onCheckpointComplete!(8);
    expect(io.txFiles.get('/graphs/out.jsonl')!.lines).toEqual(['1', '2', '3']);
  });

  it('opens its transactional file at the resolved path on open and closes it on close', () => {
    const h = new Harness(sinkFile, { path: 'sub/out.jsonl' });
    const file = h.ctx.io.txFiles.get('/graphs/sub/out.jsonl');
    expect(file).toBeDefined();
    h.op.close!();
    expect(file!.closed).toBe(true);
  });

  it('has one input and no outputs', () => {
    expect(sinkFile.ports({})).toEqual({ inputs: ['in'], outputs: [] });
  });
});
