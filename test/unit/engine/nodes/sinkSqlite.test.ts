import { describe, expect, it } from 'vitest';
import { sinkSqlite } from '../../../../engine/nodes/sinkSqlite.js';
import { Harness, MemoryIo, ev } from './harness.js';

describe('sink.sqlite', () => {
  it('commits rows (key, time, value JSON) into the run state database when no path is given', () => {
    const h = new Harness(sinkSqlite, { table: 'orders' });
    h.push([ev({ n: 1 }, { key: 'a', time: 10 }), ev(null, { key: null, time: 11 })]);
    h.op.snapshot!(1);
    const t = h.ctx.io.tables.get('<state>#orders')!;
    expect(t.rows).toEqual([]);
    h.op.onCheckpointComplete!(1);
    expect(t.mode).toBe('append');
    expect(t.rows).toEqual([
      { key: 'a', time: 10, value: '{"n":1}' },
      { key: null, time: 11, value: 'null' },
    ]);
  });

  it('opens the resolved path in upsert mode and keys rows by the key expression', () => {
    const h = new Harness(sinkSqlite, {
      path: 'db.sqlite',
      table: 'latest',
      mode: 'upsert',
      keyExpression: 'value.id',
    });
    h.push([ev({ id: 1, v: 'a' }), ev({ id: 2, v: 'b' }), ev({ id: 1, v: 'c' })]);
    h.op.snapshot!(1);
    h.op.onCheckpointComplete!(1);
    const t = h.ctx.io.tables.get('/graphs/db.sqlite#latest')!;
    expect(t.mode).toBe('upsert');
    expect(t.rows.map((r) => [r.key, JSON.parse(r.value).v])).toEqual([
      ['1', 'c'],
      ['2', 'b'],
    ]);
  });

  it('stages rows in the io layer at the barrier and commits them once when the checkpoint completes', () => {
    const io = new MemoryIo();
    const a = new Harness(sinkSqlite, { table: 't' }, { io });
    a.push(ev(1));
    expect(a.op.snapshot!(3)).toBeUndefined();
    const table = io.tables.get('<state>#t')!;
    expect(table.rows).toHaveLength(0);
    // After a crash, a new instance completes the restored checkpoint: the staged rows appear once.
    const b = new Harness(sinkSqlite, { table: 't' }, { io });
    b.op.onCheckpointComplete!(3);
    b.op.onCheckpointComplete!(3);
    expect(table.rows).toHaveLength(1);
  });

  it('dead-letters an event whose key expression throws', () => {
    const h = new Harness(sinkSqlite, { table: 't', keyExpression: 'value.a.b' });
    h.push(ev(null));
    expect(h.ctx.deadLetters).toHaveLength(1);
    expect(h.ctx.errors).toBe(1);
  });

  it('refuses a table name that is not an identifier', () => {
    expect(sinkSqlite.check!({ table: 'drop table; x' })[0]?.field).toBe('table');
    expect(sinkSqlite.check!({ table: 'orders_2' })).toEqual([]);
  });
});
