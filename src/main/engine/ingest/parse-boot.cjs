// Starts the parse worker from TypeScript source under plain Node (CLI, tests, benches): tsx
// compiles only the parsing modules, not the whole engine. The Electron build starts the
// bundled worker-entry with { role: 'parser' } instead.
require('tsx/cjs/api').register();
require('./parse-worker-entry.ts');
