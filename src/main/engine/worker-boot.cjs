// Starts the engine worker from TypeScript source under plain Node (CLI, tests, browser host):
// tsx compiles it on the fly. The Electron build bundles worker-entry.ts instead.
require('tsx/cjs/api').register();
require('./worker-entry.ts');
