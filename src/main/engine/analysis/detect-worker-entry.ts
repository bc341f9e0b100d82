/** The detect worker's entry under tsx (detect-boot.cjs); bundled, worker-entry.ts starts it. */
import { parentPort } from 'node:worker_threads';
import { runDetectWorker } from './detect-worker';

if (!parentPort) throw new Error('detect-worker-entry.ts must run in a worker thread');
runDetectWorker(parentPort);
