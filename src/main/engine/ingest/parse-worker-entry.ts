/** The parse worker's entry under tsx (parse-boot.cjs); bundled, worker-entry.ts starts it. */
import { parentPort } from 'node:worker_threads';
import { runParseWorker } from './parse-worker';

if (!parentPort) throw new Error('parse-worker-entry.ts must run in a worker thread');
runParseWorker(parentPort);
