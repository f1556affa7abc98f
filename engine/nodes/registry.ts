import type { NodeDescriptor } from '../contract/descriptor.js';
import { aggregate } from './aggregate.js';
import { batch } from './batch.js';
import { dedupe } from './dedupe.js';
import { filter } from './filter.js';
import { functionNode } from './functionNode.js';
import { generator } from './generator.js';
import { join } from './join.js';
import { keyBy } from './keyBy.js';
import { map } from './map.js';
import { reorder } from './reorder.js';
import { router } from './router.js';
import { sinkChart } from './sinkChart.js';
import { sinkNotify } from './sinkNotify.js';
import { sinkConsole } from './sinkConsole.js';
import { sinkDiscard } from './sinkDiscard.js';
import { sinkFile } from './sinkFile.js';
import { sinkSqlite } from './sinkSqlite.js';
import { sourceFile } from './sourceFile.js';
import { sourceNexmark } from './sourceNexmark.js';
import { sourceNats } from './sourceNats.js';
import { sinkNats } from './sinkNats.js';
import { sinkPostgres } from './sinkPostgres.js';
import { sourceRedis } from './sourceRedis.js';
import { sinkRedis } from './sinkRedis.js';
import { throttle } from './throttle.js';
import { topic } from './topic.js';
import { window } from './window.js';

/** Every node type of catalog version 1 (SPEC §4), in palette order within each category. */
export const NODE_TYPES: readonly NodeDescriptor[] = [
  generator,
  sourceFile,
  sourceNexmark,
  map,
  filter,
  keyBy,
  functionNode,
  router,
  aggregate,
  window,
  reorder,
  join,
  dedupe,
  throttle,
  batch,
  topic,
  sinkFile,
  sinkSqlite,
  sinkConsole,
  sinkChart,
  sinkNotify,
  sinkDiscard,
  sourceNats,
  sinkNats,
  sinkPostgres,
  sourceRedis,
  sinkRedis,
];

/** Descriptors by `type`. */
export const nodeRegistry: ReadonlyMap<string, NodeDescriptor> = new Map(NODE_TYPES.map((d) => [d.type, d]));

/** The descriptor of a node type, or undefined for an unknown type. */
export function getDescriptor(type: string): NodeDescriptor | undefined {
  return nodeRegistry.get(type);
}
