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
  /** Off: the node passes nothing and blocks nothing (engine/runtime/worker/disabledOperator.ts). */
  disabled?: boolean;
  /** A sample a source emits instead of its own events in the editor's design runs (data, never code). */
  pinned?: PinnedEvent[];
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
  /** Sticky notes on the canvas: text only, never run. */
  notes?: GraphNote[];
  /** Titled groups of nodes, drawn as a box around their members. */
  groups?: GraphGroup[];
  /** Unknown top-level keys are kept on save (round-trip safe). */
  [extra: string]: unknown;
}

/** One event of a source's pinned sample: `value` as written; key null and time the run's start by default. */
export interface PinnedEvent {
  key?: string | null;
  time?: number;
  value: unknown;
}

/** A sticky note on the canvas (a comment): plain text, placed like a node. */
export interface GraphNote {
  id: string;
  text: string;
  position: Position;
  /** Size on the canvas; the editor's default when missing. */
  width?: number;
  height?: number;
  [extra: string]: unknown;
}

/** A titled group: the editor draws a box around its member nodes, wherever they are moved. */
export interface GraphGroup {
  id: string;
  title: string;
  /** Ids of the nodes in the group. */
  nodes: string[];
  [extra: string]: unknown;
}

export const DEFAULT_SETTINGS = {
  checkpointIntervalMs: 1000,
  defaultEdgeCapacity: 1024,
} as const;
