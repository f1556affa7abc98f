import type { Operator, OperatorContext, SourceOperator } from './operator.js';

/**
 * A config field's schema. The inspector renders a form from it, validation checks a config
 * against it, and the docs list it. Kept deliberately small (not JSON Schema) so every kind has
 * a widget.
 */
export type FieldSchema = FieldCommon &
  (
    | { kind: 'string'; default?: string }
    | { kind: 'number'; default?: number; min?: number; max?: number; integer?: boolean }
    | { kind: 'boolean'; default?: boolean }
    | { kind: 'enum'; values: readonly string[]; default?: string }
    /** A JS expression. `vars` are the names it may use (shown in the editor's help). */
    | { kind: 'expression'; vars: readonly string[]; default?: string }
    /** A JS function body (for `function`). */
    | { kind: 'code'; vars: readonly string[]; default?: string }
    /** A file path; relative paths resolve against the graph file's folder. */
    | { kind: 'path'; default?: string }
    /** A list of port names (e.g. `function.outputs`). */
    | { kind: 'stringList'; default?: readonly string[] }
    /** A list of records, each field described by `item` (e.g. `router.routes`). */
    | { kind: 'list'; item: Readonly<Record<string, FieldSchema>>; default?: readonly unknown[] }
    /** One record of named fields, each described by `fields` (e.g. `topic.broker`); unset: no record. */
    | { kind: 'record'; fields: Readonly<Record<string, FieldSchema>>; default?: undefined }
  );

export interface FieldCommon {
  /** Short label for the inspector. */
  label: string;
  /** One or two sentences shown beside the field and in the docs. */
  doc: string;
  /** A missing required field is a validation error. Fields with a default are never missing. */
  required?: boolean;
}

/** Palette groups, in palette order. */
export const NODE_CATEGORIES = ['source', 'transform', 'stateful', 'routing', 'sink'] as const;
export type NodeCategory = (typeof NODE_CATEGORIES)[number];

export interface PortSet {
  inputs: readonly string[];
  outputs: readonly string[];
}

/**
 * Everything the program knows about a node type. The palette, inspector forms, validation,
 * docs and the runtime all read from it: adding a node type is one descriptor file.
 */
export interface NodeDescriptor {
  type: string;
  /** Human title for the palette ("Generator"). */
  title: string;
  category: NodeCategory;
  /** One paragraph for the palette tooltip and docs. */
  doc: string;
  config: Readonly<Record<string, FieldSchema>>;
  /** Port names given a config (router routes and function outputs add ports). */
  ports(config: Record<string, unknown>): PortSet;
  /** The node runs user code, so it has an `error` port and needs trust to run. */
  runsUserCode: boolean;
  /** The node may give events a new key; the compiler then re-partitions downstream. */
  changesKey: boolean;
  /**
   * The node does blocking I/O (transactional sinks): the compiler gives it its own queue so
   * it runs beside the chain that feeds it instead of inside it.
   */
  blocking?: boolean;
  /** The highest parallelism that makes sense (1 for sources and topics). */
  maxParallelism?: number;
  /**
   * Checks beyond the field schema (e.g. a sliding window needs `slideMs`). Returns sentences;
   * the validator attaches the node id. Expressions are compiled by the validator itself.
   */
  check?(config: Record<string, unknown>): Array<{ field?: string; message: string; severity?: 'error' | 'warning' }>;
  /** Make one operator instance. `ctx.config` has defaults applied and is already valid. */
  create(ctx: OperatorContext): Operator | SourceOperator;
}

export const isSourceDescriptor = (d: NodeDescriptor): boolean => d.category === 'source';
