import { describe, expect, it } from 'vitest';
import { sinkDiscard } from '../../../../engine/nodes/sinkDiscard.js';
import { ev, Harness } from './harness.js';

describe('sink.discard', () => {
  it('drops every event: nothing is emitted, written or logged per event', () => {
    const h = new Harness(sinkDiscard, {});
    h.push([ev(1), ev({ big: 'x'.repeat(100) }), ev(null)]);
    expect(h.out.emitted).toEqual([]);
    expect(h.ctx.io.consoleLines).toEqual([]);
    expect(h.ctx.io.txFiles.size + h.ctx.io.tables.size).toBe(0);
    expect(h.ctx.logs).toEqual([]);
  });

  it('counts what it received into its snapshot and says the count when the input ends', () => {
    const h = new Harness(sinkDiscard, {});
    h.push([ev(1), ev(2), ev(3)]);
    expect(h.op.snapshot!(1)).toEqual({ count: 3 });
    h.push(ev(4)).end();
    expect(h.ctx.logs).toEqual([{ level: 'info', message: 'discarded 4 events' }]);
  });

  it('keeps counting from a restored snapshot, so the count stays exact across a recovery', () => {
    const h = new Harness(sinkDiscard, {});
    h.op.restore!({ count: 10 });
    h.push([ev(1), ev(2)]);
    expect(h.op.snapshot!(2)).toEqual({ count: 12 });
    const fresh = new Harness(sinkDiscard, {});
    fresh.op.restore!(null);
    expect(fresh.op.snapshot!(1)).toEqual({ count: 0 });
  });

  it('is a sink with one input and no outputs', () => {
    expect(sinkDiscard.category).toBe('sink');
    expect(sinkDiscard.ports({})).toEqual({ inputs: ['in'], outputs: [] });
  });
});
