// Starts the detect worker from TypeScript source under plain Node (CLI, tests, benches): tsx
// compiles only the analysis modules, not the whole engine. The Electron build starts the
// bundled worker-entry with { role: 'detector' } instead.
require('tsx/cjs/api').register();
require('./detect-worker-entry.ts');
