import type { FieldSchema, NodeDescriptor } from '../contract/descriptor.js';
import { CONTRACT_KEY, parseContractRef, type EventSchema } from '../contract/eventSchema.js';
import type { GraphEdge, GraphFile, GraphNode } from '../contract/graphFile.js';
import type { Problem } from '../contract/problem.js';
import { readBreaks } from '../contracts/common/checkCompatibility.js';
import { describeDifference } from '../contracts/common/describeDifference.js';
import { findSchema, versionsOf } from '../contracts/common/findSchema.js';
import { lookUpField } from '../contracts/common/lookUpField.js';
import { closestName } from './closestName.js';
import {
  contractFlow,
  declaredContract,
  emittedOn,
  expectedBy,
  isSourceNode,
  VALUE_PRESERVING_TYPES,
} from './contractFlow.js';
import { isRecord } from './isRecord.js';
import { nodeName } from './nodeName.js';
import { valueFieldReads } from './valueFieldReads.js';

/**
 * The design-time checks of event contracts (SPEC §11), a pass of its own that `validate` runs
 * when the graph's schemas are known (the editor and the CLI load `schemas/` beside the graph):
 * 1. every `contract` (on a node's config, on an edge) names a schema that exists: an unknown
 *    name or version is an error, with the names and versions there are;
 * 2. an edge whose producer and consumer contracts differ: a different contract is an error; a
 *    different version of the same one is an error when the consumer's version cannot read the
 *    producer's (naming the change, under Confluent's rules), else a warning;
 * 3. an expression that reads `value.x` where the contract the node reads has no `x` is a
 *    warning naming the field and the contract.
 * Expects a graph that loaded (`parseGraph`); tolerates anything else in it.
 */
export function checkContracts(
  graph: GraphFile,
  registry: ReadonlyMap<string, NodeDescriptor>,
  schemas: readonly EventSchema[],
): Problem[] {
  const problems: Problem[] = [];
  const known = new Map<string, EventSchema>();
  const nodes = new Map<string, GraphNode>();
  for (const node of graph.nodes) if (typeof node.id === 'string') nodes.set(node.id, node);

  // 1. Every contract named exists.
  const resolve = (text: unknown, where: Pick<Problem, 'nodeId' | 'edgeId'>, who: string): EventSchema | undefined => {
    const message = unknownContract(text, schemas);
    if (message) {
      problems.push({ severity: 'error', ...where, field: CONTRACT_KEY, message: `${who}: ${message}` });
      return undefined;
    }
    const schema = findSchema(schemas, text as string) as EventSchema;
    known.set(schema.ref, schema);
    return schema;
  };
  for (const node of nodes.values()) {
    const config = isRecord(node.config) ? node.config : {};
    if (config[CONTRACT_KEY] === undefined) continue;
    const who = nodeName(node.id, node.label);
    if (resolve(config[CONTRACT_KEY], { nodeId: node.id }, who)) {
      const category = registry.get(node.type)?.category;
      if (category && category !== 'source' && category !== 'sink' && !VALUE_PRESERVING_TYPES.has(node.type)) {
        problems.push({
          severity: 'warning',
          nodeId: node.id,
          field: CONTRACT_KEY,
          message: `${who}: a ${node.type} node changes its values, so a contract in its config says nothing; put it on its outgoing edges.`,
        });
      }
    }
  }
  for (const edge of graph.edges) {
    if (edge.contract === undefined) continue;
    resolve(edge.contract, typeof edge.id === 'string' ? { edgeId: edge.id } : {}, edgeName(edge));
  }

  // 2. Producer and consumer agree on every edge.
  const flow = contractFlow(graph, registry);
  for (const edge of graph.edges) {
    if (typeof edge.id !== 'string') continue;
    const producer = nodes.get(edge.from?.node);
    const consumer = nodes.get(edge.to?.node);
    const carried = flow.edges.get(edge.id);
    const emitted =
      producer && typeof edge.contract === 'string'
        ? emittedOn(producer, edge.from.port, registry.get(producer.type), flow.inputs)
        : undefined;
    if (emitted !== undefined && carried !== undefined && emitted !== carried) {
      const p = mismatch(known, emitted, carried);
      if (p) {
        problems.push({
          severity: p.severity,
          edgeId: edge.id,
          field: CONTRACT_KEY,
          message: `${edgeName(edge)} is declared ${carried}, but ${nodeName(producer!.id, producer!.label).replace(/^Node/, 'node')} emits ${emitted}${p.why}.`,
        });
      }
    }
    const expected = consumer ? expectedBy(consumer, registry.get(consumer.type)) : undefined;
    if (expected !== undefined && carried !== undefined && expected !== carried) {
      const p = mismatch(known, carried, expected);
      if (p) {
        problems.push({
          severity: p.severity,
          edgeId: edge.id,
          field: CONTRACT_KEY,
          message: `${edgeName(edge)} carries ${carried} into ${nodeName(consumer!.id, consumer!.label).replace(/^Node/, 'node')}, which expects ${expected}${p.why}.`,
        });
      }
    }
  }
  for (const [nodeId, byEdge] of flow.mixedInputs) {
    const node = nodes.get(nodeId) as GraphNode;
    const list = [...byEdge].map(([e, c]) => `${c} on "${e}"`).join(', ');
    problems.push({
      severity: 'warning',
      nodeId,
      message: `${nodeName(node.id, node.label)} receives different contracts (${list}); its expressions are checked against none of them.`,
    });
  }

  // 3. Expressions read fields the contract has.
  for (const node of nodes.values()) {
    const descriptor = registry.get(node.type);
    if (!descriptor || !isRecord(node.config)) continue;
    const reads = isSourceNode(node, descriptor)
      ? declaredContract(node)
      : (flow.inputs.get(node.id) ?? expectedBy(node, descriptor));
    const schema = reads !== undefined ? (known.get(reads) ?? findSchema(schemas, reads)) : undefined;
    if (!schema) continue;
    for (const { field, source, kind, vars } of codeFields(descriptor.config, node.config)) {
      for (const read of valueFieldReads(source, vars, kind)) {
        const found = lookUpField(schema.schema, read.path);
        if (found.found) continue;
        const missing = read.path[found.depth] as string;
        const hint = closestName(missing, found.known);
        const at = found.depth === 0 ? '' : ` in ${read.path.slice(0, found.depth).join('.')}`;
        problems.push({
          severity: 'warning',
          nodeId: node.id,
          field,
          message: `${nodeName(node.id, node.label)}: ${read.text} reads field "${missing}", which contract ${schema.ref} does not have${at}${hint ? ` (did you mean "${hint}"?)` : ''}.`,
        });
      }
    }
  }
  return problems;
}

/** Why a contract reference is not usable, or null when it names an existing schema. */
function unknownContract(text: unknown, schemas: readonly EventSchema[]): string | null {
  const ref = parseContractRef(text);
  if (!ref) {
    return `contract must be written name@version, like "orders@2", not ${JSON.stringify(text) ?? String(text)}.`;
  }
  if (findSchema(schemas, ref)) return null;
  const versions = versionsOf(schemas, ref.name);
  if (versions.length > 0) {
    return `there is no ${ref.name}@${ref.version}; schemas/ has ${versions.map((s) => s.ref).join(', ')}.`;
  }
  const names = [...new Set(schemas.map((s) => s.name))];
  const hint = closestName(ref.name, names);
  return `there is no contract named "${ref.name}" in schemas/${hint ? ` (did you mean "${hint}"?)` : names.length === 0 ? ' (the folder has no schemas)' : ''}.`;
}

/**
 * How bad it is that `written` events reach a place that expects `expected`: different contracts
 * are an error; versions of one contract are fine to read (a warning) or not (an error, naming
 * the first change). Null when either is unknown (already reported).
 */
function mismatch(
  known: ReadonlyMap<string, EventSchema>,
  written: string,
  expected: string,
): { severity: Problem['severity']; why: string } | null {
  const w = known.get(written);
  const e = known.get(expected);
  if (!w || !e) return null;
  if (w.name !== e.name) return { severity: 'error', why: '' };
  const breaks = readBreaks(e.schema, w.schema);
  if (breaks.length === 0) {
    return { severity: 'warning', why: ` (a consumer on v${e.version} reads v${w.version} events, so this works)` };
  }
  return {
    severity: 'error',
    why: `: ${describeDifference(breaks[0]!)}: a consumer on v${e.version} cannot read v${w.version} events`,
  };
}

/** The config fields holding code that may read the event's value, with their text. */
function codeFields(
  schema: Readonly<Record<string, FieldSchema>>,
  config: Record<string, unknown>,
  prefix = '',
): Array<{ field: string; source: string; kind: 'expression' | 'code'; vars: readonly string[] }> {
  const out: Array<{ field: string; source: string; kind: 'expression' | 'code'; vars: readonly string[] }> = [];
  for (const [key, field] of Object.entries(schema)) {
    const value = config[key];
    if ((field.kind === 'expression' || field.kind === 'code') && typeof value === 'string') {
      out.push({ field: `${prefix}${key}`, source: value, kind: field.kind, vars: field.vars });
    } else if (field.kind === 'list' && Array.isArray(value)) {
      value.forEach((item, i) => {
        if (isRecord(item)) out.push(...codeFields(field.item, item, `${prefix}${key}[${i}].`));
      });
    }
  }
  return out;
}

function edgeName(edge: GraphEdge): string {
  return typeof edge.id === 'string' ? `Edge "${edge.id}"` : 'An edge';
}
