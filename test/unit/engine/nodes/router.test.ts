import { describe, expect, it } from 'vitest';
import { router } from '../../../../engine/nodes/router.js';
import { Harness, ev } from './harness.js';

const routes = [
  { port: 'big', predicate: 'value > 100' },
  { port: 'medium', predicate: 'value > 10' },
];

describe('router', () => {
  it('sends each event to the first route whose predicate is truthy, else to else', () => {
    const h = new Harness(router, { routes });
    h.push([ev(500), ev(50), ev(5)]);
    expect(h.out.emitted.map((x) => [x.port, x.event.value])).toEqual([
      ['big', 500],
      ['medium', 50],
      ['else', 5],
    ]);
  });

  it('derives one output port per route plus else and error', () => {
    expect(router.ports({ routes })).toEqual({ inputs: ['in'], outputs: ['big', 'medium', 'else', 'error'] });
  });

  it('reports missing, reserved and repeated route ports in check', () => {
    const problems = router.check!({
      routes: [
        { port: '', predicate: 'true' },
        { port: 'else', predicate: 'true' },
        { port: 'a', predicate: 'true' },
        { port: 'a', predicate: '' },
      ],
    });
    expect(problems.map((p) => p.message)).toEqual([
      'Route 1 needs a port name.',
      'Route 2 cannot use the port name "else"; it is reserved.',
      'Route 4 repeats the port "a".',
      'Route 4 needs a predicate.',
    ]);
    expect(router.check!({ routes })).toEqual([]);
  });

  it('routes an event whose predicate throws to the error handling, not to else', () => {
    const h = new Harness(router, { routes: [{ port: 'a', predicate: 'value.x.y' }] });
    h.push(ev(null));
    expect(h.out.emitted).toEqual([]);
    expect(h.ctx.deadLetters).toHaveLength(1);
  });
});
