#!/usr/bin/env node
// `npm test`: every test — unit and integration under Node (real SQLite, real simulator on loopback), the engine's
// unit flows again on PostgreSQL (test:parity), then
// end-to-end in Chromium (browser mode) with Playwright. Exits non-zero if anything fails.
import { spawnSync } from 'node:child_process';

const run = (cmd, args) => {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  return r.status ?? 1;
};
let failed = 0;
failed += run('npm', ['run', '-s', 'test:unit']) === 0 ? 0 : 1;
failed += run('npm', ['run', '-s', 'test:parity']) === 0 ? 0 : 1;
failed += run('npm', ['run', '-s', 'test:integration']) === 0 ? 0 : 1;
failed += run('npm', ['run', '-s', 'test:e2e']) === 0 ? 0 : 1;
if (failed) {
  console.error(`\n${failed} test suite(s) failed`);
  process.exit(1);
}
console.log('\nall test suites passed');
