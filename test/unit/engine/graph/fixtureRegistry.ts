import type { NodeDescriptor } from '../../../../engine/contract/descriptor.js';
import type { GraphFile } from '../../../../engine/contract/graphFile.js';

/**
 * Small node descriptors for graph-model tests. The graph rung sits below engine/nodes, so its
 * tests build their own types: a source, a transform with an expression, a router whose ports
 * come from its config, a function with code, a window with a `check`, a two-input node and a sink.
 */
const operator = () => ({ process() {} });

const source: NodeDescriptor = {
  type: 'source.gen',
  title: 'Generator',
  category: 'source',
  doc: 'Test source.',
  config: {
    count: { kind: 'number', label: 'Count', doc: '', integer: true, min: 0 },
    keys: { kind: 'number', label: 'Keys', doc: '', integer: true, min: 1, default: 10 },
    valueExpression: { kind: 'expression', label: 'Value', doc: '', vars: ['i'] },
  },
  ports: () => ({ inputs: [], outputs: ['out'] }),
  runsUserCode: true,
  changesKey: false,
  maxParallelism: 1,
  create: operator,
};

const map: NodeDescriptor = {
  type: 'map',
  title: 'Map',
  category: 'transform',
  doc: 'Test map.',
  config: {
    expression: {
      kind: 'expression',
      label: 'Expression',
      doc: '',
      vars: ['value', 'key', 'time', 'event'],
      required: true,
    },
  },
  ports: () => ({ inputs: ['in'], outputs: ['out', 'error'] }),
  runsUserCode: true,
  changesKey: false,
  create: operator,
};

const fn: NodeDescriptor = {
  type: 'function',
  title: 'Function',
  category: 'transform',
  doc: 'Test function.',
  config: {
    code: { kind: 'code', label: 'Code', doc: '', vars: ['event', 'ctx'], required: true },
    outputs: { kind: 'stringList', label: 'Outputs', doc: '', default: [] },
  },
  ports: (config) => ({ inputs: ['in'], outputs: ['out', 'error', ...((config.outputs as string[]) ?? [])] }),
  runsUserCode: true,
  changesKey: true,
  create: operator,
};

const router: NodeDescriptor = {
  type: 'router',
  title: 'Router',
  category: 'routing',
  doc: 'Test router.',
  config: {
    routes: {
      kind: 'list',
      label: 'Routes',
      doc: '',
      required: true,
      item: {
        port: { kind: 'string', label: 'Port', doc: '', required: true },
        predicate: {
          kind: 'expression',
          label: 'Predicate',
          doc: '',
          vars: ['value', 'key', 'time', 'event'],
          required: true,
        },
      },
    },
  },
  ports: (config) => ({
    inputs: ['in'],
    outputs: [...(config.routes as Array<{ port: string }>).map((r) => r.port), 'else', 'error'],
  }),
  runsUserCode: true,
  changesKey: false,
  create: operator,
};

const windowNode: NodeDescriptor = {
  type: 'window',
  title: 'Window',
  category: 'stateful',
  doc: 'Test window.',
  config: {
    kind: { kind: 'enum', label: 'Kind', doc: '', values: ['tumbling', 'sliding', 'session'], required: true },
    sizeMs: { kind: 'number', label: 'Size', doc: '', min: 1, integer: true, required: true },
    slideMs: { kind: 'number', label: 'Slide', doc: '', min: 1, integer: true },
    op: { kind: 'enum', label: 'Op', doc: '', values: ['count', 'sum'], default: 'count' },
  },
  ports: () => ({ inputs: ['in'], outputs: ['out', 'late'] }),
  check: (config) =>
    config.kind === 'sliding' && config.slideMs === undefined
      ? [{ field: 'slideMs', message: 'a sliding window needs slideMs' }]
      : [],
  runsUserCode: false,
  changesKey: false,
  create: operator,
};

const join: NodeDescriptor = {
  type: 'join',
  title: 'Join',
  category: 'stateful',
  doc: 'Test two-input node.',
  config: {},
  ports: () => ({ inputs: ['in', 'right'], outputs: ['out'] }),
  runsUserCode: false,
  changesKey: false,
  create: operator,
};

const sink: NodeDescriptor = {
  type: 'sink.file',
  title: 'File sink',
  category: 'sink',
  doc: 'Test sink.',
  config: {
    path: { kind: 'path', label: 'Path', doc: '', required: true },
    format: { kind: 'enum', label: 'Format', doc: '', values: ['jsonl'], default: 'jsonl' },
    envelope: { kind: 'boolean', label: 'Envelope', doc: '', default: false },
  },
  ports: () => ({ inputs: ['in'], outputs: [] }),
  runsUserCode: false,
  changesKey: false,
  create: operator,
};

/** A sink that runs user code, so it has an `error` port (like sink.sqlite's keyExpression). */
const dbSink: NodeDescriptor = {
  ...sink,
  type: 'sink.db',
  config: {},
  ports: () => ({ inputs: ['in'], outputs: ['error'] }),
};

export const registry: ReadonlyMap<string, NodeDescriptor> = new Map(
  [source, map, fn, router, windowNode, join, sink, dbSink].map((d) => [d.type, d]),
);

/** A valid graph: gen → double → out. Tests copy and break it. */
export function pipeline(): GraphFile {
  return {
    format: 'sluice/graph',
    version: 1,
    name: 'Test pipeline',
    settings: { checkpointIntervalMs: 1000, defaultEdgeCapacity: 1024 },
    nodes: [
      { id: 'gen', type: 'source.gen', label: 'Numbers', position: { x: 0, y: 0 }, config: { count: 10 } },
      { id: 'double', type: 'map', position: { x: 250, y: 0 }, config: { expression: 'value.seq * 2' } },
      { id: 'out', type: 'sink.file', position: { x: 500, y: 0 }, config: { path: 'out/doubled.jsonl' } },
    ],
    edges: [
      { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'double', port: 'in' } },
      { id: 'e2', from: { node: 'double', port: 'out' }, to: { node: 'out', port: 'in' } },
    ],
  };
}
