import type { NodeDescriptor, PortSet } from '../contract/descriptor.js';
import type { GraphFile } from '../contract/graphFile.js';
import type { EventSchema } from '../contract/eventSchema.js';
import type { Problem } from '../contract/problem.js';
import { readAlerts } from './alerts/readAlerts.js';
import { validateAnnotations } from './validateAnnotations.js';
import { applyDefaults } from './applyDefaults.js';
import { checkContracts } from './checkContracts.js';
import { closestName } from './closestName.js';
import { describeJsonType } from './describeJsonType.js';
import { isRecord } from './isRecord.js';
import { parseGraph } from './loadGraph.js';
import { nodeName } from './nodeName.js';
import { shortList, shortText } from './shortText.js';
import { connectionProblems, type EnvLookup, type KeychainLookup } from './resolveConnections.js';
import { validateConfig } from './validateConfig.js';
import { brokerOf } from './brokerTopics.js';
import { validateTopology, type ResolvedEdge, type ResolvedNode } from './validateTopology.js';

/**
 * Limits no descriptor states: beyond them a machine runs out of memory or threads long before
 * the graph does anything useful, so they are refused at design time rather than at run time.
 */
export const GRAPH_LIMITS = {
  /** Instances of one node. */
  maxParallelism: 256,
  /** Events in one edge queue (`capacity`, `settings.defaultEdgeCapacity`). */
  maxEdgeCapacity: 1_000_000,
  /** `settings.checkpointIntervalMs`: faster than this, checkpoints are all the run does. */
  minCheckpointIntervalMs: 10,
  /** `settings.checkpointIntervalMs`: slower than this, a crash loses more than anyone expects. */
  maxCheckpointIntervalMs: 3_600_000,
} as const;

/**
 * Every problem of a graph (SPEC §5), each with its node or edge id, a severity and a sentence
 * that names the node. Accepts anything: data that is not a graph at all is one problem. The
 * editor calls this as the user draws, the CLI prints it, and a run refuses any error.
 *
 * Order: the graph's own fields, then each node (id, type, fields, config), then each edge
 * (id, ends, ports, capacity), then the graph's shape (unconnected inputs, unreachable nodes,
 * cycles). A problem that makes later checks meaningless stops only those checks: a node of an
 * unknown type gets no port checks, a node with a broken config gets no `check()` and no ports.
 * With the graph's `schemas` (its `schemas/` folder, loaded), the contracts pass runs last.
 */
export interface ValidateOptions {
  /** The graph's `schemas/` folder, loaded: the contracts pass runs last. */
  schemas?: readonly EventSchema[];
  /**
   * The environment `${env:NAME}` references resolve from at run start: an unset one is an
   * error. Without it (the editor) references are only checked for form.
   */
  env?: EnvLookup;
  /**
   * Where `${keychain:NAME}` resolves from (see `KeychainLookup`). By default: none when `env`
   * is given (the CLI and the web host have no keychain), else not known (form only).
   */
  keychain?: KeychainLookup;
}

export function validate(
  input: unknown,
  registry: ReadonlyMap<string, NodeDescriptor>,
  options: ValidateOptions = {},
): Problem[] {
  const { schemas } = options;
  const loaded = parseGraph(input);
  if (!loaded.ok) return [{ severity: 'error', message: `Cannot read this graph: ${loaded.error}.` }];
  const graph = loaded.graph;
  const problems: Problem[] = [...validateGraphFields(graph)];
  const nodes = new Map<string, ResolvedNode>();
  graph.nodes.forEach((node, i) => problems.push(...validateNode(node, i, registry, nodes)));
  const edges: ResolvedEdge[] = [];
  const seenEdgeIds = new Set<string>();
  // Each edge's ends, so a repeated edge is found in O(1) rather than by a scan of those before it.
  const byEnds = new Map<string, ResolvedEdge>();
  graph.edges.forEach((edge, i) => problems.push(...validateEdge(edge, i, nodes, seenEdgeIds, edges, byEnds)));
  if (graph.nodes.length === 0) problems.push({ severity: 'warning', message: 'The graph has no nodes yet.' });
  problems.push(...validateAnnotations(graph, registry));
  problems.push(...validateTopology([...nodes.values()], edges));
  problems.push(...readAlerts(graph).problems);
  problems.push(...connectionProblems(graph, options.env ?? null, options.keychain));
  if (schemas) problems.push(...checkContracts(graph, registry, schemas));
  return problems;
}

function validateGraphFields(graph: GraphFile): Problem[] {
  const problems: Problem[] = [];
  if (typeof graph.name !== 'string' || graph.name.trim() === '') {
    problems.push({
      severity: 'error',
      field: 'name',
      message: 'The graph needs a name (it also names the run’s state store).',
    });
  }
  if (graph.description !== undefined && typeof graph.description !== 'string') {
    problems.push({
      severity: 'warning',
      field: 'description',
      message: `The graph’s description must be text, not ${describeJsonType(graph.description)}.`,
    });
  }
  const settings = graph.settings ?? {};
  const ranges: Record<string, [number, number, string]> = {
    checkpointIntervalMs: [GRAPH_LIMITS.minCheckpointIntervalMs, GRAPH_LIMITS.maxCheckpointIntervalMs, 'milliseconds'],
    defaultEdgeCapacity: [1, GRAPH_LIMITS.maxEdgeCapacity, 'events'],
    // The keyed part's partitions in a group run (`sluice run --group`, engine/scaleout).
    partitions: [1, 4096, 'partitions'],
  };
  for (const key of Object.keys(settings)) {
    const range = ranges[key];
    if (!range) {
      const hint = closestName(key, Object.keys(ranges));
      problems.push({
        severity: 'warning',
        field: `settings.${key}`,
        message: `The graph has an unknown setting "${shortText(key)}", which is ignored${hint ? ` (did you mean "${hint}"?)` : ''}.`,
      });
      continue;
    }
    const [min, max, unit] = range;
    const value = settings[key];
    if (value === undefined || value === null) continue;
    if (!isWholeNumberIn(value, min, max)) {
      problems.push({
        severity: 'error',
        field: `settings.${key}`,
        message: `The setting "${key}" must be a whole number of ${unit} from ${min} to ${max}, not ${quote(value)}.`,
      });
    }
  }
  return problems;
}

function validateNode(
  node: Record<string, unknown>,
  index: number,
  registry: ReadonlyMap<string, NodeDescriptor>,
  resolved: Map<string, ResolvedNode>,
): Problem[] {
  const id = typeof node.id === 'string' && node.id.trim() !== '' ? node.id : undefined;
  const name = id === undefined ? `Node #${index + 1}` : nodeName(id, node.label);
  const problems: Problem[] = [];
  const at = (severity: Problem['severity'], message: string, field?: string): void => {
    problems.push({ severity, ...(id !== undefined ? { nodeId: id } : {}), ...(field ? { field } : {}), message });
  };
  if (id === undefined) {
    at('error', `${name} has no id; every node needs a unique text id.`, 'id');
  } else if (resolved.has(id)) {
    at('error', `Two nodes have the id "${shortText(id)}"; node ids must be unique.`, 'id');
  }

  const type = node.type;
  let descriptor: NodeDescriptor | undefined;
  if (typeof type !== 'string' || type === '') {
    at('error', `${name} has no type.`, 'type');
  } else {
    descriptor = registry.get(type);
    if (!descriptor) {
      const hint = closestName(type, registry.keys());
      at(
        'error',
        `${name} has an unknown type "${shortText(type)}"${hint ? `; did you mean "${hint}"?` : '.'}`,
        'type',
      );
    }
  }

  if (node.label !== undefined && typeof node.label !== 'string') {
    at('warning', `${name} has a label that is not text (${describeJsonType(node.label)}).`, 'label');
  }
  const pos = node.position;
  if (pos !== undefined && !(isRecord(pos) && isFiniteNumber(pos.x) && isFiniteNumber(pos.y))) {
    at('warning', `${name} has a position that is not { x, y } numbers; the editor will place it anew.`, 'position');
  }
  if (node.parallelism !== undefined) {
    const max = Math.min(descriptor?.maxParallelism ?? GRAPH_LIMITS.maxParallelism, GRAPH_LIMITS.maxParallelism);
    if (!isWholeNumberIn(node.parallelism, 1, Infinity)) {
      at(
        'error',
        `${name}: parallelism must be a whole number of at least 1, not ${quote(node.parallelism)}.`,
        'parallelism',
      );
    } else if ((node.parallelism as number) > max) {
      const why =
        descriptor?.maxParallelism !== undefined && descriptor.maxParallelism <= max
          ? ` (${descriptor.type} nodes run at most ${max})`
          : '';
      at(
        'error',
        `${name}: parallelism must be at most ${max}${why}, not ${node.parallelism as number}.`,
        'parallelism',
      );
    }
  }

  let ports: PortSet | null = null;
  if (descriptor) {
    const configProblems = validateConfig(node.config, descriptor, id, name);
    problems.push(...configProblems);
    if (!configProblems.some((p) => p.severity === 'error')) {
      ports = portsOf(descriptor, node.config as Record<string, unknown> | undefined);
      if (!ports) at('error', `${name}: its ports could not be worked out from its config.`);
      else problems.push(...duplicatePortProblems(ports, name, id));
    }
  }
  if (id !== undefined && !resolved.has(id)) {
    const brokerTopic = brokerOf(node) !== null;
    resolved.set(id, { id, name, descriptor: descriptor ?? null, ports, ...(brokerTopic ? { brokerTopic } : {}) });
  }
  return problems;
}

function portsOf(descriptor: NodeDescriptor, config: Record<string, unknown> | undefined): PortSet | null {
  try {
    return descriptor.ports(applyDefaults(config, descriptor));
  } catch {
    return null;
  }
}

/** Two routes named alike, or an extra output called `in`, would make edges ambiguous. */
function duplicatePortProblems(ports: PortSet, name: string, id: string | undefined): Problem[] {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const p of [...ports.inputs, ...ports.outputs]) (seen.has(p) ? dups : seen).add(p);
  return [...dups].map((port) => ({
    severity: 'error' as const,
    ...(id !== undefined ? { nodeId: id } : {}),
    message: `${name} has two ports named "${shortText(port)}"; port names must be unique.`,
  }));
}

function validateEdge(
  edge: Record<string, unknown>,
  index: number,
  nodes: Map<string, ResolvedNode>,
  seenIds: Set<string>,
  resolved: ResolvedEdge[],
  byEnds: Map<string, ResolvedEdge>,
): Problem[] {
  const id = typeof edge.id === 'string' && edge.id.trim() !== '' ? edge.id : undefined;
  const name = id === undefined ? `Edge #${index + 1}` : `Edge "${shortText(id)}"`;
  const problems: Problem[] = [];
  const at = (severity: Problem['severity'], message: string, field?: string): void => {
    problems.push({ severity, ...(id !== undefined ? { edgeId: id } : {}), ...(field ? { field } : {}), message });
  };
  if (id === undefined) at('error', `${name} has no id; every edge needs a unique text id.`, 'id');
  else if (seenIds.has(id)) at('error', `Two edges have the id "${shortText(id)}"; edge ids must be unique.`, 'id');
  if (id !== undefined) seenIds.add(id);

  if (
    edge.capacity !== undefined &&
    edge.capacity !== null &&
    !isWholeNumberIn(edge.capacity, 1, GRAPH_LIMITS.maxEdgeCapacity)
  ) {
    at(
      'error',
      `${name}: capacity must be a whole number of events from 1 to ${GRAPH_LIMITS.maxEdgeCapacity}, not ${quote(edge.capacity)}.`,
      'capacity',
    );
  }

  let ok = true;
  for (const end of ['from', 'to'] as const) {
    const ref = edge[end];
    const verb = end === 'from' ? 'starts at' : 'ends at';
    if (!isRecord(ref) || typeof ref.node !== 'string' || typeof ref.port !== 'string') {
      at('error', `${name} needs "${end}" written as { "node": "<node id>", "port": "<port name>" }.`, end);
      ok = false;
      continue;
    }
    if (!nodes.has(ref.node)) {
      at('error', `${name} ${verb} node "${shortText(ref.node)}", which does not exist.`, end);
      ok = false;
      continue;
    }
    const node = nodes.get(ref.node)!;
    // Unknown type or broken config: the node has its own problem, and its ports are unknown.
    if (!node.ports) continue;
    const [own, other] =
      end === 'from' ? [node.ports.outputs, node.ports.inputs] : [node.ports.inputs, node.ports.outputs];
    const kind = end === 'from' ? 'output' : 'input';
    if (own.includes(ref.port)) continue;
    ok = false;
    if (other.includes(ref.port)) {
      at(
        'error',
        `${name} ${verb} the ${kind === 'output' ? 'input' : 'output'} port "${shortText(ref.port)}" of ${node.name.replace(/^Node/, 'node')}; an edge must go from an output port to an input port.`,
        end,
      );
    } else {
      const list = own.length > 0 ? `its ${kind} ports are ${shortList(own)}` : `it has no ${kind} ports`;
      at(
        'error',
        `${name} ${verb} port "${shortText(ref.port)}" of ${node.name.replace(/^Node/, 'node')}, which has no such ${kind} port; ${list}.`,
        end,
      );
    }
  }
  if (ok && id !== undefined) {
    const from = edge.from as { node: string; port: string };
    const to = edge.to as { node: string; port: string };
    const ends = JSON.stringify([from.node, from.port, to.node, to.port]);
    const twin = byEnds.get(ends);
    if (twin) at('warning', `${name} repeats edge "${shortText(twin.id)}", so every event would arrive twice.`);
    const edgeRecord = { id, from: { node: from.node, port: from.port }, to: { node: to.node, port: to.port } };
    if (!twin) byEnds.set(ends, edgeRecord);
    resolved.push(edgeRecord);
  }
  return problems;
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isWholeNumberIn(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function quote(v: unknown): string {
  return typeof v === 'number' || typeof v === 'boolean'
    ? String(v)
    : typeof v === 'string'
      ? JSON.stringify(v)
      : describeJsonType(v);
}
