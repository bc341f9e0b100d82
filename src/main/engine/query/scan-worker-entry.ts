/** The scan worker's entry under tsx (scan-boot.cjs); bundled, worker-entry.ts starts it. */
import { parentPort } from 'node:worker_threads';
import { runScanWorker } from './scan-worker';

if (!parentPort) throw new Error('scan-worker-entry.ts must run in a worker thread');
runScanWorker(parentPort);
