/**
 * Worker thread entry. Receives `startWorker`, then commands; posts facts (protocol.ts).
 * Bundled as dist/worker.js; run from source through ../workerBoot.mjs.
 */
import { parentPort } from 'node:worker_threads';
import { nodeRegistry } from '../../nodes/registry.js';
import type { StartWorker, WorkerCommand, WorkerFact } from '../protocol.js';
import { PROTOCOL_VERSION } from '../protocol.js';
import { closeAttachedStore, makeStoreIo } from './storeIo.js';
import { WorkerRuntime } from './WorkerRuntime.js';

const port = parentPort;
if (!port) throw new Error('workerMain must run in a worker thread');

let runtime: WorkerRuntime | null = null;
const post = (fact: WorkerFact, transfer?: ArrayBuffer[]): void => port.postMessage(fact, transfer ?? []);

port.on('message', (cmd: WorkerCommand) => {
  try {
    if (cmd.type === 'startWorker') {
      if (cmd.protocol !== PROTOCOL_VERSION) throw new Error(`protocol ${cmd.protocol} != ${PROTOCOL_VERSION}`);
      runtime = new WorkerRuntime(cmd as StartWorker, { post, registry: nodeRegistry, makeIo: makeStoreIo });
      runtime.open();
      post({ type: 'workerStarted', worker: cmd.worker });
    } else {
      runtime?.command(cmd);
      if (cmd.type === 'shutdown') closeAttachedStore();
    }
  } catch (err) {
    const userError = err instanceof Error && err.name === 'UserError';
    post({
      type: 'workerFailed',
      worker: cmd.type === 'startWorker' ? cmd.worker : -1,
      message: err instanceof Error ? (userError ? err.message : (err.stack ?? err.message)) : String(err),
      userError,
      nodeId: runtime?.currentNodeId ?? null,
    });
  }
});
