import { describe, expect, it } from 'vitest';
import type { EventSchema } from '../../../../engine/contract/index.js';
import { selectEdgeContract } from '../../../../renderer/store/selectContracts.js';
import { TestEditor, pipeline } from '../TestEditor.js';

const ORDERS: EventSchema = {
  name: 'orders',
  version: 1,
  ref: 'orders@1',
  file: 'orders@1.schema.json',
  schema: { type: 'object', properties: { seq: { type: 'integer' } } },
  compatibility: 'BACKWARD',
};

function contracted(): TestEditor {
  const graph = pipeline();
  graph.nodes[0]!.config = { ...graph.nodes[0]!.config, contract: 'orders@1' };
  graph.edges[1]!.contract = 'totals@1';
  return new TestEditor().load(graph);
}

describe('selectEdgeContract', () => {
  it('shows the contract an edge carries: flowed from its source, or its own', () => {
    const t = contracted();
    expect(selectEdgeContract(t.state, 'e1')).toMatchObject({ ref: 'orders@1', declared: false });
    expect(selectEdgeContract(t.state, 'e2')).toMatchObject({ ref: 'totals@1', declared: true });
    expect(selectEdgeContract(new TestEditor().load(pipeline()).state, 'e1')).toBeNull();
  });

  it('gives the schema for the hover once the schemas are loaded, and none for a contract they lack', () => {
    const t = contracted();
    expect(selectEdgeContract(t.state, 'e1')?.schema).toBeNull();
    t.state.setSchemas({ schemas: [ORDERS], problems: [] });
    expect(selectEdgeContract(t.state, 'e1')?.schema).toContain('"seq"');
    expect(selectEdgeContract(t.state, 'e2')?.schema).toBeNull();
  });

  it('returns the same object while nothing it reads changed', () => {
    const t = contracted();
    t.state.setSchemas({ schemas: [ORDERS], problems: [] });
    const first = selectEdgeContract(t.state, 'e1');
    t.state.select(['gen']);
    expect(selectEdgeContract(t.state, 'e1')).toBe(first);
    t.state.setSchemas({ schemas: [], problems: [] });
    expect(selectEdgeContract(t.state, 'e1')).not.toBe(first);
  });
});
