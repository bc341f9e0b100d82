// Prints one closing line for the whole `npm test` run from the reporters' JSON files:
// "tests: N passed, N failed, N skipped".
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
const seen = [];
const flaky = [];

/** Titles of the tests Playwright passed only on a retry. */
function flakyTitles(suite, path = []) {
  const here = suite.title ? [...path, suite.title] : path;
  for (const spec of suite.specs ?? [])
    for (const t of spec.tests ?? []) if (t.status === 'flaky') flaky.push([...here, spec.title].join(' › '));
  for (const child of suite.suites ?? []) flakyTitles(child, here);
}

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
  const report = JSON.parse(readFileSync(f, 'utf8'));
  const s = report.stats;
  for (const top of report.suites ?? []) flakyTitles(top);
  passed += s.expected + (s.flaky ?? 0);
  failed += s.unexpected;
  skipped += s.skipped;
  seen.push(suite);
}
console.log(`(${seen.join(', ')})`);
for (const title of flaky) console.log(`flaky (failed once, passed on its retry): ${title}`);
console.log(
  `tests: ${passed} passed${flaky.length ? ` (${flaky.length} on a retry)` : ''}, ${failed} failed, ${skipped} skipped`,
);
process.exitCode = failed > 0 || seen.length === 0 ? 1 : 0;
