/**
 * The execution plan: what the compiler hands the runtime. Plain structured-clone-safe data,
 * sent as is to every worker.
 *
 * Vocabulary:
 * - instance: one operator instance (a node × its parallel index), keyed `<nodeId>#<i>`.
 * - task: instances fused into one chain (a tree rooted at `root`): events pass between them as
 *   plain calls. Only the root has channel inputs.
 * - channel: a bounded queue between an instance's output port and another task's root. Local
 *   when both tasks share a worker (no encoding), remote otherwise (batches over a MessagePort).
 */
export interface ExecutionPlan {
  graphName: string;
  workers: number;
  instances: Record<string, PlanInstance>;
  tasks: PlanTask[];
  channels: PlanChannel[];
  /** Graph edges, index = edge index used by metrics counters. */
  edges: PlanEdge[];
  /** Graph nodes in topological order, index = node index used by metrics counters. */
  nodes: PlanNode[];
  checkpointIntervalMs: number;
}

export interface PlanNode {
  id: string;
  type: string;
  parallelism: number;
  /** Hash of the config, to tell after an edit whether old state still fits. */
  configHash: string;
}

export interface PlanEdge {
  id: string;
  fromNode: string;
  fromPort: string;
  toNode: string;
  toPort: string;
  capacity: number;
  /** The contract the edge declares (`"orders@2"`): events on it are checked against it. */
  contract?: string;
}

export interface PlanInstance {
  key: string;
  nodeId: string;
  nodeIndex: number;
  type: string;
  index: number;
  parallelism: number;
  /** Stable across edits that keep the node's id and type (Flink's operator uid). */
  operatorId: string;
  /** Config with defaults applied. */
  config: Record<string, unknown>;
  taskId: number;
  /** Channels into this instance (fused instances: 1). */
  inputCount: number;
  /** Output port → where its events go. */
  outputs: Record<string, OutputTarget[]>;
}

/**
 * Where an output port's events go.
 * - fused: call the target instance directly.
 * - channel: one channel per target instance; `partition` picks which one gets an event.
 */
export type OutputTarget =
  | { kind: 'fused'; edgeIndex: number; instance: string; port: string }
  | { kind: 'channel'; edgeIndex: number; partition: 'single' | 'hash'; channels: number[] };

export interface PlanTask {
  id: number;
  worker: number;
  root: string;
  /** All instances of the task, root first, each after its upstream (topological). */
  instances: string[];
  isSource: boolean;
}

export interface PlanChannel {
  id: number;
  edgeIndex: number;
  from: string;
  to: string;
  toPort: string;
  /** Index of this channel among the target instance's inputs. */
  toInput: number;
  capacity: number;
  fromWorker: number;
  toWorker: number;
}
