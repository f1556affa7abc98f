import { describe, expect, it } from 'vitest';
import { functionNode } from '../../../../engine/nodes/functionNode.js';
import { Harness, ev } from './harness.js';

describe('function', () => {
  it('emits the returned value to out with the input id, key and time', () => {
    const h = new Harness(functionNode, { code: 'return { n: event.value * 2, k: key };' });
    h.push(ev(4, { id: 'a', key: 'x', time: 9, emittedAt: 1 }));
    expect(h.out.on('out')).toEqual([{ id: 'a', key: 'x', time: 9, value: { n: 8, k: 'x' }, emittedAt: 1 }]);
  });

  it('emits each element of a returned array with ids <id>/<n>', () => {
    const h = new Harness(functionNode, { code: 'return value.split(",");' });
    h.push(ev('a,b,c', { id: 'e' }));
    expect(h.out.on('out').map((e) => [e.id, e.value])).toEqual([
      ['e/0', 'a'],
      ['e/1', 'b'],
      ['e/2', 'c'],
    ]);
  });

  it('drops the event when the body returns undefined', () => {
    const h = new Harness(functionNode, { code: 'if (value > 1) return value;' });
    h.push([ev(1), ev(2)]);
    expect(h.out.values()).toEqual([2]);
  });

  it('ctx.emit defaults to out with the input key and time, and can pick port, key and time', () => {
    const h = new Harness(functionNode, {
      code: 'ctx.emit(value); ctx.emit(value + 1, { port: "alerts", key: "hot", time: 77 });',
      outputs: ['alerts'],
    });
    h.push(ev(1, { id: 'a', key: 'k', time: 5 }));
    expect(h.out.emitted).toEqual([
      { port: 'out', event: { id: 'a/0', key: 'k', time: 5, value: 1, emittedAt: 0 } },
      { port: 'alerts', event: { id: 'a/1', key: 'hot', time: 77, value: 2, emittedAt: 0 } },
    ]);
  });

  it('treats ctx.emit to an unknown port as a failure of that event', () => {
    const h = new Harness(functionNode, { code: 'ctx.emit(1); ctx.emit(2, { port: "nope" });' });
    h.push(ev(0));
    expect(h.out.emitted).toEqual([]);
    expect(h.ctx.deadLetters[0]?.error).toMatch(/no output port "nope"/);
  });

  it('emits nothing for an event whose code throws after emitting, and reports it to error', () => {
    const h = new Harness(
      functionNode,
      { code: 'ctx.emit(1); throw new Error("boom");' },
      { nodeId: 'f', connected: ['out', 'error'] },
    );
    h.push(ev(0, { id: 'x' }));
    expect(h.out.on('out')).toEqual([]);
    expect(h.out.on('error')[0]?.value).toMatchObject({ error: 'boom', node: 'f', event: { id: 'x' } });
    expect(h.ctx.errors).toBe(1);
  });

  it('keeps state per key across events', () => {
    const h = new Harness(functionNode, {
      code: 'const n = (ctx.state.get("n") ?? 0) + 1; ctx.state.set("n", n); if (n === 3) ctx.state.delete("n"); return n;',
    });
    h.push([ev(0, { key: 'a' }), ev(0, { key: 'b' }), ev(0, { key: 'a' }), ev(0, { key: 'a' }), ev(0, { key: 'a' })]);
    expect(h.out.values()).toEqual([1, 1, 2, 3, 1]);
  });

  it('snapshots state and restores it into a new instance', () => {
    const code = 'const s = (ctx.state.get("sum") ?? 0) + value; ctx.state.set("sum", s); return s;';
    const a = new Harness(functionNode, { code });
    a.push([ev(2, { key: 'a' }), ev(5, { key: null })]);
    const snap = JSON.parse(JSON.stringify(a.op.snapshot!(1)));
    const b = new Harness(functionNode, { code });
    b.op.restore!(snap);
    b.push([ev(3, { key: 'a' }), ev(1, { key: null })]);
    expect(b.out.values()).toEqual([5, 6]);
    expect(b.op.stateSize!()).toBe(2);
  });

  it('writes ctx.log arguments to the run log at info level', () => {
    const h = new Harness(functionNode, { code: 'ctx.log("seen", value, { a: 1 });' });
    h.push(ev(3));
    expect(h.ctx.logs).toEqual([{ level: 'info', message: 'seen 3 {"a":1}' }]);
  });

  it('adds the extra outputs as ports and refuses reserved names', () => {
    expect(functionNode.ports({ outputs: ['alerts'] })).toEqual({
      inputs: ['in'],
      outputs: ['out', 'alerts', 'error'],
    });
    expect(functionNode.check!({ outputs: ['error', 'x', 'x'] })).toHaveLength(2);
    expect(functionNode.changesKey).toBe(true);
  });
});
