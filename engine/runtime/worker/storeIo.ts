import type { PlanInstance } from '../../compiler/ExecutionPlan.js';
import type { OperatorIo } from '../../contract/index.js';
import { FileCommitter } from '../../store/FileCommitter.js';
import { SqliteTableCommitter } from '../../store/SqliteTableCommitter.js';
import { recordTableContract, recordTableContractAt } from '../../contracts/node/writtenContracts.js';
import { StateStore } from '../../store/StateStore.js';
import type { StartWorker } from '../protocol.js';
import { MemoryOutbox, SqliteOutbox } from '../../connectors/Outbox.js';
import { NodeIo } from './NodeIo.js';

/** One attached store connection per worker thread, opened when the first sink needs it. */
let attached: StateStore | null = null;
/** Without a state store, external commit records are this run's alone (a new id per worker). */
const MEMORY_STORE_ID = `memory-${Math.random().toString(36).slice(2)}`;

/**
 * The io of one instance. With a state store, sinks commit through it (exactly-once): the
 * commit record is keyed by the instance's operator id and index. Without one (unsaved graphs),
 * files are plain appends and sink.sqlite needs an explicit path.
 */
export function makeStoreIo(
  start: StartWorker,
  instance: PlanInstance,
  console: (line: string) => void,
  notify: (title: string, body: string) => void,
): OperatorIo {
  const statePath = start.statePath;
  const sinkId = `${instance.operatorId}-${instance.index}`;
  // What later checkpoints staged never completed: the committers drop it when they open.
  const restored = start.restore?.checkpointId ?? 0;
  const store = (): StateStore => (attached ??= StateStore.open(statePath!, { attach: true }));
  return new NodeIo({
    baseDir: start.baseDir,
    console,
    notify,
    truncateFiles: start.restore === null,
    connectors: {
      node: `${instance.type} "${instance.nodeId}"`,
      sinkId,
      get storeId() {
        return statePath ? store().storeId : MEMORY_STORE_ID;
      },
      outbox: () => (statePath ? new SqliteOutbox(store().connection, sinkId, restored) : new MemoryOutbox()),
    },
    ...(statePath
      ? {
          openFile: (path: string) => new FileCommitter(store(), sinkId, path, restored),
          openTable: (path: string | undefined, table: string, mode: 'append' | 'upsert', contract?: string) => {
            const committer = new SqliteTableCommitter({
              store: store(),
              operatorId: sinkId,
              ...(path ? { path } : {}),
              table,
              mode,
              discardStagedAfter: restored,
            });
            // Once the table exists: which contract writes it, for validate (writtenContracts).
            if (contract !== undefined) {
              if (path) recordTableContractAt(path, table, contract);
              else recordTableContract(store().connection, table, contract);
            }
            return committer;
          },
        }
      : {}),
  });
}

/** Close the worker's store connection (at shutdown). */
export function closeAttachedStore(): void {
  attached?.close();
  attached = null;
}
