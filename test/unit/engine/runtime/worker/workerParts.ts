// Test fixtures for the worker's parts, in process: instance hosts around operators written in
// the test, with the services a worker gives them, and what those services were asked to do.
import type { ExecutionPlan, PlanInstance } from '../../../../../engine/compiler/ExecutionPlan.js';
import type { Operator, SluiceEvent, SourceOperator } from '../../../../../engine/contract/index.js';
import { InstanceHost, type InstanceServices } from '../../../../../engine/runtime/worker/InstanceHost.js';
import { WorkerMetrics } from '../../../../../engine/runtime/worker/WorkerMetrics.js';

/** A plan with `nodes` (ids) and one edge between each consecutive pair, for counter sizes. */
export function tinyPlan(nodes: string[]): ExecutionPlan {
  return {
    graphName: 'parts',
    workers: 1,
    instances: {},
    tasks: [],
    channels: [],
    edges: nodes.slice(1).map((to, i) => ({
      id: `e${i + 1}`,
      fromNode: nodes[i]!,
      fromPort: 'out',
      toNode: to,
      toPort: 'in',
      capacity: 16,
    })),
    nodes: nodes.map((id) => ({ id, type: 'map', parallelism: 1, configHash: id })),
    checkpointIntervalMs: 0,
  };
}

export function planInstance(
  nodeId: string,
  nodeIndex: number,
  taskId = 0,
  config: Record<string, unknown> = {},
): PlanInstance {
  return {
    key: `${nodeId}#0`,
    nodeId,
    nodeIndex,
    type: 'map',
    index: 0,
    parallelism: 1,
    operatorId: `op-${nodeId}`,
    config,
    taskId,
    inputCount: 1,
    outputs: {},
  };
}

export interface Recorded {
  setAside: Array<{ node: string; event: SluiceEvent; reason: string }>;
  deadLetters: Array<{ node: string; event: SluiceEvent; error: string }>;
  timers: Array<{ node: string; at: number }>;
  woken: string[];
}

/** The services of one worker, recording what they are asked. */
export function servicesFor(plan: ExecutionPlan): {
  services: InstanceServices;
  metrics: WorkerMetrics;
  inFlight: Float64Array;
  recorded: Recorded;
} {
  const metrics = new WorkerMetrics(plan);
  const inFlight = new Float64Array(new SharedArrayBuffer(16));
  const recorded: Recorded = { setAside: [], deadLetters: [], timers: [], woken: [] };
  const services: InstanceServices = {
    counters: metrics.counters,
    tapped: metrics.tapped,
    tapSample: (edgeIndex, e) => metrics.tapSample(edgeIndex, e),
    setTimer: (host, at) => recorded.timers.push({ node: host.plan.nodeId, at }),
    pauseTask: () => undefined,
    wake: (host) => recorded.woken.push(host.plan.nodeId),
    deadLetter: (node, event, error) => recorded.deadLetters.push({ node, event, error }),
    log: () => undefined,
    io: {
      resolvePath: (p) => p,
      openLineReader: () => {
        throw new Error('no files in this test');
      },
      openTransactionalFile: () => {
        throw new Error('no files in this test');
      },
      openBrokerReader: () => {
        throw new Error('no brokers in this test');
      },
      openBrokerWriter: () => {
        throw new Error('no brokers in this test');
      },
      openSqliteTable: () => {
        throw new Error('no tables in this test');
      },
      console: () => undefined,
      notify: () => undefined,
    },
    subscriptions: () => [],
    reportLag: () => undefined,
    inFlight,
    setAside: (host, event, reason) => recorded.setAside.push({ node: host.plan.nodeId, event, reason }),
  };
  return { services, metrics, inFlight, recorded };
}

/** A host for `nodeId` (node index `i`, slot `i + 1`) running `op`. */
export function hostOf(
  services: InstanceServices,
  nodeId: string,
  i: number,
  op: Operator | SourceOperator,
  taskId = 0,
  config: Record<string, unknown> = {},
): InstanceHost {
  const h = new InstanceHost(planInstance(nodeId, i, taskId, config), i + 1, services);
  h.attach(op);
  return h;
}

export const ev = (i: number, key: string | null = null): SluiceEvent => ({
  id: `ev-${i}`,
  key,
  time: i,
  value: { seq: i },
  emittedAt: 0,
});
