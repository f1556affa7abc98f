import { describe, expect, it } from 'vitest';
import type { NodeDescriptor } from '../../../../engine/contract/descriptor.js';
import { validateConfig } from '../../../../engine/graph/validateConfig.js';
import { registry } from './fixtureRegistry.js';

const fn = registry.get('function')!;

describe('validateConfig', () => {
  it('accepts a valid config', () => {
    expect(validateConfig({ code: 'return 1', outputs: ['alerts'] }, fn, 'f', 'Node "f"')).toEqual([]);
  });

  it('reports a config that is not an object', () => {
    expect(validateConfig('x', fn, 'f', 'Node "f"')).toEqual([
      { severity: 'error', nodeId: 'f', message: 'Node "f": config must be an object, not a string.' },
    ]);
  });

  it('checks string lists for type, blanks and repeats', () => {
    const fields = (outputs: unknown) =>
      validateConfig({ code: 'return 1', outputs }, fn, 'f', 'Node "f"').map((p) => p.message);
    expect(fields('a')).toEqual(['Node "f": "outputs" must be a list of names, not "a".']);
    expect(fields(['a', ''])).toEqual(['Node "f": "outputs" must hold only non-empty names, but item 2 is "".']);
    expect(fields(['a', 'a'])).toEqual(['Node "f": "outputs" lists "a" twice.']);
  });

  it('reports a value that is not text where an expression belongs', () => {
    expect(validateConfig({ code: 42 }, fn, 'f', 'Node "f"')[0]?.message).toBe(
      'Node "f": "code" must be JavaScript code written as text, not 42.',
    );
  });

  it('turns a throwing descriptor check into a problem instead of a crash', () => {
    const broken: Pick<NodeDescriptor, 'type' | 'config' | 'check'> = {
      type: 'broken',
      config: {},
      check: () => {
        throw new Error('boom');
      },
    };
    expect(validateConfig({}, broken, 'b', 'Node "b"')).toEqual([
      { severity: 'error', nodeId: 'b', message: 'Node "b": could not be checked (boom).' },
    ]);
  });

  it('keeps a descriptor check’s severity', () => {
    const soft: Pick<NodeDescriptor, 'type' | 'config' | 'check'> = {
      type: 'soft',
      config: {},
      check: () => [{ message: 'this is slow', severity: 'warning' }],
    };
    expect(validateConfig(undefined, soft, 's', 'Node "s"')).toEqual([
      { severity: 'warning', nodeId: 's', message: 'Node "s": this is slow.' },
    ]);
  });
});
