import type { AlertRule } from './alert.js';

/**
 * The graph file (`*.sluice.json`, SPEC §2) as it is on disk, after loading and migration.
 * Validation and migration live in `engine/graph`; this file holds only the shape.
 */
export const GRAPH_FORMAT = 'sluice/graph';
/** The newest graph file version this program reads and writes. */
export const GRAPH_VERSION = 1;

export interface Position {
  x: number;
  y: number;
}

export interface GraphNode {
  id: string;
  type: string;
  label?: string;
  position?: Position;
  /** Instances of this node, partitioned by a hash of the key. Default 1. */
  parallelism?: number;
  config: Record<string, unknown>;
  /** Unknown keys of the node are kept so a save round-trips them. */
  [extra: string]: unknown;
}

export interface PortRef {
  node: string;
  port: string;
}

export interface GraphEdge {
  id: string;
  from: PortRef;
  to: PortRef;
  /** Queue capacity in events. Default `settings.defaultEdgeCapacity`. */
  capacity?: number;
  /** The event contract its events follow (`"orders@2"`, SPEC §11); checked by `checkContracts`. */
  contract?: string;
  [extra: string]: unknown;
}

export interface GraphSettings {
  checkpointIntervalMs?: number;
  defaultEdgeCapacity?: number;
  /** Partitions of the keyed part when run as a group (`sluice run --group`, SPEC §15). */
  partitions?: number;
  [extra: string]: unknown;
}

export interface GraphFile {
  format: typeof GRAPH_FORMAT;
  version: number;
  name: string;
  description?: string;
  settings?: GraphSettings;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Alert rules on the run's metrics (SPEC §14); checked by `validate`, kept as written on save. */
  alerts?: AlertRule[];
  /** Unknown top-level keys are kept on save (round-trip safe). */
  [extra: string]: unknown;
}

export const DEFAULT_SETTINGS = {
  checkpointIntervalMs: 1000,
  defaultEdgeCapacity: 1024,
} as const;
