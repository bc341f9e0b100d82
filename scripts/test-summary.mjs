// Prints one closing line for the whole `npm test` run from the reporters' JSON files:
// "tests: N passed, N failed, N skipped".
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
const seen = [];

const vitest = 'test-results/vitest.json';
if (existsSync(vitest)) {
  const r = JSON.parse(readFileSync(vitest, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  seen.push('vitest');
}
for (const suite of ['e2e-web', 'e2e-electron']) {
  const f = `test-results/${suite}.json`;
  if (!existsSync(f)) continue;
  const s = JSON.parse(readFileSync(f, 'utf8')).stats;
  passed += s.expected + (s.flaky ?? 0);
  failed += s.unexpected;
  skipped += s.skipped;
  seen.push(suite);
}
console.log(`(${seen.join(', ')})`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 || seen.length === 0 ? 1 : 0;
