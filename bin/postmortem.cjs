#!/usr/bin/env node
// The `postmortem` command runs from the TypeScript sources through tsx, so it works right
// after `npm install` with no build step.
require('tsx/cjs/api').register();
const { main } = require('../src/main/cli/main.ts');
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`postmortem: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 1;
  },
);
