#!/usr/bin/env node
// Tests under Node's own runner. Node 20's `--test` does not expand globs, so the files are listed here.
// `test/unit` by default; `--integration` runs `test/integration` (the CLI spawned for real, end to end).
// Extra arguments filter by file name: `npm run test:unit -- queue sim`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startCluster } from './pg-cluster.js';

const args = process.argv.slice(2);
const dir = path.join('test', args.includes('--integration') ? 'integration' : 'unit');
const filters = args.filter((a) => a !== '--integration' && a !== '--pg-parity');
// `--pg-parity`: these unit files again, with every database they open placed on PostgreSQL
// (test/helpers/store-parity/hook.mjs): the engine's flows on the team store. The other files check SQLite itself
// (its files, EXPLAIN QUERY PLAN, encryption) or read the database file directly.
const PARITY = [
  'engine-settings', 'export-module', 'insights', 'intake-bad-inputs', 'intake-clock', 'intake-conventions',
  'intake-lifecycle', 'intake-links', 'intake-originals', 'intake-redecide', 'intake-type-folders', 'intake-watch',
  'queue-engine', 'queue-faults', 'queue-handlers', 'queue-meter', 'queue-upload-identity', 'review-edits',
  'review-integrity', 'review-signals', 'security-demo', 'security-image-route', 'security-ipc', 'sim-demo',
  'state-transitions', 'validation-background', 'validation-engine', 'web-server',
];
const parity = args.includes('--pg-parity');
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.test.ts'))
  .filter((f) => !parity || PARITY.includes(f.replace(/\.test\.ts$/, '')))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort()
  .map((f) => path.join(dir, f));
if (files.length === 0) {
  console.error(`no unit test files match ${filters.join(' ')}`);
  process.exit(1);
}
// Unit files run two at a time (one per core: each file pays its own tsx start-up; their waits are on injected clocks or
// generous deadlines). Integration files spawn CLIs, LibreOffice and SIGKILLs: one at a time.
const concurrency = args.includes('--integration') ? 1 : 2;
// One throwaway PostgreSQL cluster per run (team-mode tests each create their own database on it).
const pg = process.env.SCANDESK_TEST_PG_URL ? { url: process.env.SCANDESK_TEST_PG_URL } : await startCluster();
if (pg.skip) console.log(`PostgreSQL tests will skip: ${pg.skip}`);
if (parity && pg.skip) process.exit(0);
const hook = parity ? ['--import', './test/helpers/store-parity/hook.mjs'] : [];
const env = pg.url ? { ...process.env, SCANDESK_TEST_PG_URL: pg.url } : process.env;
let r;
try {
  r = spawnSync(process.execPath, ['--import', 'tsx', ...hook, '--test', `--test-concurrency=${concurrency}`, ...files], { stdio: 'inherit', env });
} finally {
  pg.stop?.();
}
process.exit(r.status ?? 1);
