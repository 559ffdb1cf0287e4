#!/usr/bin/env node
// Runs unit test files again and again while every core is kept busy by a spinning process, to prove they do not
// depend on how fast the machine is. `node scripts/stress-tests.js [--runs N] <file filter>...`
// (default: 20 runs of the files that once failed under load: queue-faults, sim-faults, intake-watch).
import { fork, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 20;
const filters = args.filter((a, i) => a !== '--runs' && i !== runsAt + 1);
const wanted = filters.length > 0 ? filters : ['queue-faults', 'sim-faults', 'intake-watch'];
const files = fs
  .readdirSync('test/unit')
  .filter((f) => f.endsWith('.test.ts') && wanted.some((w) => f.includes(w)))
  .map((f) => path.join('test/unit', f));

if (process.argv[2] === '--spin') {
  for (;;); // one busy core
}
const self = fileURLToPath(import.meta.url);
const spinners = os.cpus().map(() => fork(self, ['--spin'], { stdio: 'ignore' }));
let failed = 0;
try {
  for (let i = 1; i <= runs; i++) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=dot', ...files], { encoding: 'utf8' });
    const ok = r.status === 0;
    if (!ok) {
      failed++;
      process.stdout.write(r.stdout.slice(-4000));
    }
    console.log(`run ${i}/${runs} under ${spinners.length} busy cores: ${ok ? 'green' : 'RED'}`);
  }
} finally {
  for (const s of spinners) s.kill('SIGKILL');
}
console.log(`${files.map((f) => path.basename(f)).join(', ')}: ${runs - failed}/${runs} green under load`);
process.exit(failed === 0 ? 0 : 1);
