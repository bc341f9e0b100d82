// Starts the scan worker from TypeScript source under plain Node (CLI, tests, benches): tsx
// compiles only the query modules, not the whole engine. The Electron build starts the
// bundled worker-entry with { role: 'scanner' } instead.
require('tsx/cjs/api').register();
require('./scan-worker-entry.ts');
