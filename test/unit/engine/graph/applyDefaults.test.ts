import { describe, expect, it } from 'vitest';
import type { NodeDescriptor } from '../../../../engine/contract/descriptor.js';
import { applyDefaults } from '../../../../engine/graph/applyDefaults.js';

const descriptor: Pick<NodeDescriptor, 'config'> = {
  config: {
    keys: { kind: 'number', label: 'Keys', doc: '', default: 10 },
    count: { kind: 'number', label: 'Count', doc: '' },
    idExpression: { kind: 'expression', label: 'Id', doc: '', vars: ['event'], default: 'event.id' },
    outputs: { kind: 'stringList', label: 'Outputs', doc: '', default: [] },
    routes: {
      kind: 'list',
      label: 'Routes',
      doc: '',
      item: {
        port: { kind: 'string', label: 'Port', doc: '' },
        weight: { kind: 'number', label: 'W', doc: '', default: 1 },
      },
    },
  },
};

describe('applyDefaults', () => {
  it('fills defaults for missing fields and keeps given ones', () => {
    expect(applyDefaults({ count: 5, keys: 3 }, descriptor)).toEqual({
      count: 5,
      keys: 3,
      idExpression: 'event.id',
      outputs: [],
    });
  });

  it('treats null and a blank expression as unset', () => {
    expect(applyDefaults({ keys: null, count: null, idExpression: '  ' }, descriptor)).toEqual({
      keys: 10,
      idExpression: 'event.id',
      outputs: [],
    });
  });

  it('fills defaults inside list items', () => {
    expect(applyDefaults({ routes: [{ port: 'a' }, { port: 'b', weight: 3 }] }, descriptor).routes).toEqual([
      { port: 'a', weight: 1 },
      { port: 'b', weight: 3 },
    ]);
  });

  it('keeps unknown keys and does not change its input or share default arrays', () => {
    const input = { extra: true };
    const a = applyDefaults(input, descriptor);
    const b = applyDefaults(undefined, descriptor);
    expect(a.extra).toBe(true);
    expect(input).toEqual({ extra: true });
    (a.outputs as string[]).push('x');
    expect(b.outputs).toEqual([]);
    expect((descriptor.config.outputs as unknown as { default: string[] }).default).toEqual([]);
  });
});
