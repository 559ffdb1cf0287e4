// Intake takes its time from the injected clock: settle windows, case windows, write batching, rescans and the case
// ticker are ctx.clock timers, not global ones. With a clock that runs 200× fast, a minute-long settle window and a
// minute-long case window pass in well under the test's limit; a global setTimeout(60 s) anywhere in that path would
// make this test time out. Assertions are on states and order, never on how long anything took.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { createEngine } from '../../main/engine/app.ts';
import type { Clock } from '../../main/engine/clock.ts';

/** A clock whose time runs `factor` times as fast as the machine's. */
function fastClock(factor: number): Clock {
  const start = Date.now();
  const now = () => start + (Date.now() - start) * factor;
  return {
    now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const t = setTimeout(resolve, ms / factor);
        signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
      }),
    timer: (ms, fn) => {
      const t = setTimeout(fn, ms / factor);
      return { cancel: () => clearTimeout(t) };
    },
  };
}

void test('settle and case windows of a minute run on the injected clock', async () => {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'intake-clock-'));
  const inbox = path.join(tmp, 'inbox');
  await fs.mkdir(inbox);
  const jpeg = (r: number) => sharp({ create: { width: 700, height: 900, channels: 3, background: { r, g: 20, b: 200 } } }).jpeg().toBuffer();
  await fs.writeFile(path.join(inbox, 'petrov_passport.jpg'), await jpeg(10));
  await fs.writeFile(path.join(inbox, 'petrov_selfie.jpg'), await jpeg(200));
  const engine = await createEngine({ dataDir: path.join(tmp, 'data'), mode: 'test', dbKey: null, clock: fastClock(200), settingsOverrides: { apiUrl: 'http://127.0.0.1:9' } });
  try {
    const states: string[] = [];
    engine.ctx.signals.on('case:queued', () => states.push('case:queued'));
    await engine.request('folders:add', { path: inbox, defaultType: 'PASSPORT', options: { settleMs: 60_000, caseWindowMs: 60_000 } });
    await engine.intake.settled({ signal: AbortSignal.timeout(60_000) });
    const rows = engine.ctx.db.prepare<[], { status: string; case_id: number }>('SELECT status, case_id FROM documents ORDER BY id').all();
    assert.deepEqual(rows.map((r) => r.status), ['queued', 'queued']);
    assert.equal(new Set(rows.map((r) => r.case_id)).size, 1);
    assert.deepEqual(states, ['case:queued'], 'the case closed once, after its window');
  } finally {
    await engine.stop();
    await fs.rm(tmp, { recursive: true, force: true });
  }
});
