/**
 * Branded ids. A `NodeId` is a string at run time, but the compiler keeps a node id from being
 * passed where an edge id or run id is expected.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** The `id` of a node in a graph file. */
export type NodeId = Brand<string, 'NodeId'>;
/** The `id` of an edge in a graph file. */
export type EdgeId = Brand<string, 'EdgeId'>;
/** One run of a graph (a process lifetime of the runtime). */
export type RunId = Brand<string, 'RunId'>;
/**
 * A stable operator id hashed from the node's id and type, so a checkpoint written before an
 * edit still maps to the same operator after it (Flink's uid/hash idea).
 */
export type OperatorId = Brand<string, 'OperatorId'>;

export const asNodeId = (s: string): NodeId => s as NodeId;
export const asEdgeId = (s: string): EdgeId => s as EdgeId;
export const asRunId = (s: string): RunId => s as RunId;
export const asOperatorId = (s: string): OperatorId => s as OperatorId;
