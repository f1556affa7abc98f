import type { GraphFile, NodeDescriptor } from '../contract/index.js';
import { DEFAULT_SETTINGS } from '../contract/index.js';
import type { ExecutionPlan, OutputTarget, PlanChannel, PlanInstance, PlanTask } from './ExecutionPlan.js';
import { fuseChains } from './fuseChains.js';
import { configHashOf, operatorIdOf } from './operatorId.js';
import { topologicalOrder } from '../graph/topologicalOrder.js';
import { placeTasks } from './placeTasks.js';

export interface PlanOptions {
  /** Worker threads available (the machine's cores). */
  maxWorkers: number;
  /** Fuse chains into plain calls (default true). */
  fuse?: boolean;
}

/** Thrown for a graph the compiler cannot plan; validation should have caught it first. */
export class PlanError extends Error {}

/**
 * Compile a valid graph into an execution plan, in named passes:
 * 1. order — topological order of nodes (the graph model's topologicalOrder)
 * 2. expand — one instance per node × parallelism, config defaults applied
 * 3. fuse — which edges become plain calls (fuseChains)
 * 4. group — fused edges join instances into tasks rooted where a queue enters
 * 5. place — tasks onto workers (placeTasks)
 * 6. wire — output targets and channels with their partitioning
 */
export function planGraph(
  graph: GraphFile,
  registry: ReadonlyMap<string, NodeDescriptor>,
  options: PlanOptions,
): ExecutionPlan {
  // 1. order
  const order = topologicalOrder(graph)?.map((n) => n.id) ?? null;
  if (!order) throw new PlanError('the graph has a cycle');
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const descriptors = new Map<string, NodeDescriptor>();
  const parallelism = new Map<string, number>();
  for (const n of graph.nodes) {
    const d = registry.get(n.type);
    if (!d) throw new PlanError(`node "${n.id}" has unknown type "${n.type}"`);
    descriptors.set(n.id, d);
    parallelism.set(n.id, Math.max(1, Math.floor(n.parallelism ?? 1)));
  }
  const defaultCapacity = graph.settings?.defaultEdgeCapacity ?? DEFAULT_SETTINGS.defaultEdgeCapacity;
  const edges = graph.edges.map((e) => ({
    id: e.id,
    fromNode: e.from.node,
    fromPort: e.from.port,
    toNode: e.to.node,
    toPort: e.to.port,
    capacity: Math.max(1, Math.floor(e.capacity ?? defaultCapacity)),
    ...(typeof e.contract === 'string' ? { contract: e.contract } : {}),
  }));

  // 2. expand
  const nodes = order.map((id) => {
    const n = byId.get(id)!;
    return { id, type: n.type, parallelism: parallelism.get(id)!, configHash: configHashOf(n.config ?? {}) };
  });
  const instances: Record<string, PlanInstance> = {};
  nodes.forEach((n, nodeIndex) => {
    const d = descriptors.get(n.id)!;
    const config = withDefaults(byId.get(n.id)!.config ?? {}, d);
    for (let i = 0; i < n.parallelism; i++) {
      const key = `${n.id}#${i}`;
      instances[key] = {
        key,
        nodeId: n.id,
        nodeIndex,
        type: n.type,
        index: i,
        parallelism: n.parallelism,
        operatorId: operatorIdOf(n.id, n.type),
        config,
        taskId: -1,
        inputCount: 0,
        outputs: {},
      };
    }
  });

  // 3. fuse
  const fused = fuseChains({ edges: graph.edges, parallelism, descriptors, fuse: options.fuse ?? true });

  // 4. group: an instance whose only input edge is fused joins its upstream instance's task.
  const tasks: PlanTask[] = [];
  const fusedInto = new Map<string, string>(); // node id → upstream node id
  for (const e of graph.edges) if (fused.has(e.id)) fusedInto.set(e.to.node, e.from.node);
  for (const id of order) {
    const p = parallelism.get(id)!;
    for (let i = 0; i < p; i++) {
      const inst = instances[`${id}#${i}`]!;
      const up = fusedInto.get(id);
      if (up !== undefined) {
        const upInst = instances[`${up}#${i}`]!;
        inst.taskId = upInst.taskId;
        tasks[inst.taskId]!.instances.push(inst.key);
      } else {
        inst.taskId = tasks.length;
        tasks.push({
          id: tasks.length,
          worker: 0,
          root: inst.key,
          instances: [inst.key],
          isSource: descriptors.get(id)!.category === 'source',
        });
      }
    }
  }

  // 5. place
  const workers = Math.max(1, Math.min(options.maxWorkers, tasks.length));
  const placement = placeTasks(
    tasks.map((t) => t.instances.length),
    workers,
  );
  tasks.forEach((t, i) => (t.worker = placement[i]!));

  // 6. wire
  const channels: PlanChannel[] = [];
  edges.forEach((e, edgeIndex) => {
    const pa = parallelism.get(e.fromNode)!;
    const pb = parallelism.get(e.toNode)!;
    const isTopic = descriptors.get(e.fromNode)!.type === 'topic';
    // A topic paces each outgoing edge on its own: the edge is its own output port.
    const fromPort = isTopic ? `${e.fromPort}:${e.id}` : e.fromPort;
    for (let i = 0; i < pa; i++) {
      const src = instances[`${e.fromNode}#${i}`]!;
      const targets = (src.outputs[fromPort] ??= []);
      if (fused.has(e.id)) {
        const dst = instances[`${e.toNode}#${i}`]!;
        dst.inputCount = 1;
        targets.push({ kind: 'fused', edgeIndex, instance: dst.key, port: e.toPort });
        continue;
      }
      const target: OutputTarget = { kind: 'channel', edgeIndex, partition: pb > 1 ? 'hash' : 'single', channels: [] };
      for (let j = 0; j < pb; j++) {
        const dst = instances[`${e.toNode}#${j}`]!;
        const ch: PlanChannel = {
          id: channels.length,
          edgeIndex,
          from: src.key,
          to: dst.key,
          toPort: e.toPort,
          toInput: dst.inputCount++,
          capacity: e.capacity,
          fromWorker: tasks[src.taskId]!.worker,
          toWorker: tasks[dst.taskId]!.worker,
        };
        channels.push(ch);
        target.channels.push(ch.id);
      }
      targets.push(target);
    }
  });

  return {
    graphName: graph.name,
    workers,
    instances,
    tasks,
    channels,
    edges,
    nodes,
    checkpointIntervalMs: graph.settings?.checkpointIntervalMs ?? DEFAULT_SETTINGS.checkpointIntervalMs,
  };
}

/** Descriptor defaults under the node's own config (a shallow copy; the file is untouched). */
function withDefaults(config: Record<string, unknown>, d: NodeDescriptor): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(d.config)) if (f.default !== undefined) out[k] = f.default;
  for (const [k, v] of Object.entries(config)) if (v !== undefined) out[k] = v;
  return out;
}
