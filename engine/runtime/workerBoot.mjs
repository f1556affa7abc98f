// Runs the worker from TypeScript source (tests, `tsx`): tsx does not register itself inside
// worker_threads on Node 20, so register it here, then load the real entry.
import { register } from 'tsx/esm/api';

register();
await import('./worker/workerMain.ts');
