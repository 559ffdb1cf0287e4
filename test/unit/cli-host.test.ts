// `scandesk process` runs its engine in a worker and ends when that worker ends (main/cli-host.ts). A worker that has
// reported its exit code but keeps a handle open must not keep the command running: seen once in the three-instance
// team test, where one `process --once` stayed after every file was final and its summary was out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProcessInWorker } from '../../main/cli-host.ts';
import type { ProcessRun } from '../../main/cli.ts';

void test('a worker that reported its code and lingers is ended, and its code is the command\'s', { timeout: 60_000 }, async () => {
  const code = await runProcessInWorker({} as ProcessRun, new URL('../fixtures/cli-worker-lingering.mjs', import.meta.url));
  assert.equal(code, 3);
});
