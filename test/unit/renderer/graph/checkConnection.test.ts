import { describe, expect, it } from 'vitest';
import type { GraphFile } from '../../../../engine/contract/graphFile.js';
import { nodeRegistry } from '../../../../engine/nodes/registry.js';
import { checkConnection } from '../../../../renderer/graph/checkConnection.js';

function chain(): GraphFile {
  return {
    format: 'sluice/graph',
    version: 1,
    name: 'Chain',
    nodes: [
      { id: 'gen', type: 'source.generator', config: {} },
      { id: 'a', type: 'map', config: { expression: 'value' } },
      { id: 'b', type: 'map', config: { expression: 'value' } },
      { id: 'r', type: 'router', config: { routes: [{ port: 'big', predicate: 'value > 1' }] } },
    ],
    edges: [
      { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'a', port: 'in' } },
      { id: 'e2', from: { node: 'a', port: 'out' }, to: { node: 'b', port: 'in' } },
    ],
  };
}

const link = (source: string, sourceHandle: string, target: string, targetHandle: string) => ({
  source,
  sourceHandle,
  target,
  targetHandle,
});

describe('checkConnection', () => {
  it('accepts an output to an input and turns an input-first drag around', () => {
    expect(checkConnection(chain(), nodeRegistry, link('b', 'out:out', 'r', 'in:in'))).toEqual({
      ok: true,
      from: { node: 'b', port: 'out' },
      to: { node: 'r', port: 'in' },
    });
    const reversed = checkConnection(chain(), nodeRegistry, link('r', 'in:in', 'b', 'out:out'));
    expect(reversed.ok && reversed.from).toEqual({ node: 'b', port: 'out' });
  });

  it('refuses input to input and output to output with the reason', () => {
    expect(checkConnection(chain(), nodeRegistry, link('a', 'in:in', 'b', 'in:in'))).toEqual({
      ok: false,
      reason: 'Cannot connect an input to an input.',
    });
    expect(checkConnection(chain(), nodeRegistry, link('a', 'out:out', 'b', 'out:out'))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('output to an output'),
    });
  });

  it('refuses a duplicate edge, a self-loop and an edge that closes a cycle', () => {
    expect(checkConnection(chain(), nodeRegistry, link('gen', 'out:out', 'a', 'in:in'))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('already connected'),
    });
    expect(checkConnection(chain(), nodeRegistry, link('a', 'out:out', 'a', 'in:in'))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('itself'),
    });
    expect(checkConnection(chain(), nodeRegistry, link('b', 'out:out', 'a', 'in:in'))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('cycle'),
    });
  });

  it('knows the ports a config adds (router routes) and refuses unknown ones', () => {
    // Several edges into one input merge, so a second feed of b is fine.
    expect(checkConnection(chain(), nodeRegistry, link('r', 'out:big', 'b', 'in:in')).ok).toBe(true);
    expect(checkConnection(chain(), nodeRegistry, link('r', 'out:else', 'b', 'in:in')).ok).toBe(true);
    expect(checkConnection(chain(), nodeRegistry, link('r', 'out:small', 'b', 'in:in'))).toMatchObject({
      ok: false,
      reason: 'r has no output port "small".',
    });
  });
});
