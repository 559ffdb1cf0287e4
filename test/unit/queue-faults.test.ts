// Fault injection against the real simulator (issue 3): 429 storms, 5xx, resets, stalls longer than the client
// timeout, results past the deadline. Every case completes; no content is ever created twice on the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type Simulator, type SimLogEntry } from '../../main/engine/sim/server.ts';
import { generateSamples, type GeneratedFile } from '../../main/engine/samples/index.ts';
import { OVERDUE_REASON } from '../../main/engine/queue/index.ts';
import { rmrf, seedCase, stopAllEngines, startEngine, tempDir } from './queue-fixtures.ts';
import type { Engine } from '../../main/engine/app.ts';

let sim: Simulator;
let files: GeneratedFile[];
const dirs: string[] = [];

before(async () => {
  sim = await startSimulator({ config: { timeScale: 0.02, seed: 11 } });
  const d = tempDir('scandesk-samples-');
  dirs.push(d);
  ({ files } = await generateSamples({ dir: d, count: 10, layout: 'folders', seed: 5, include: { selfie: false } }));
});
after(async () => {
  await stopAllEngines();
  await sim.close();
  for (const d of dirs) rmrf(d);
});

/** Server-side documents created per image hash: the one number that costs money. */
function createdPerHash(): Map<string, number> {
  const m = new Map<string, number>();
  for (const d of sim.documents()) for (const h of d.imageHashes) m.set(h, (m.get(h) ?? 0) + 1);
  return m;
}

async function runBatch(settings: Parameters<typeof startEngine>[2]): Promise<{ engine: Engine; log: SimLogEntry[] }> {
  const dir = tempDir();
  dirs.push(dir);
  const engine = await startEngine(dir, sim.url, settings);
  for (const f of files) seedCase(engine, f.path, [{ file: f.path, type: f.type }]);
  await engine.queue.idle();
  return { engine, log: sim.log() };
}

function caseStates(engine: Engine): Record<string, number> {
  return Object.fromEntries((engine.ctx.db.prepare('SELECT state, COUNT(*) AS n FROM cases GROUP BY state').all() as { state: string; n: number }[]).map((r) => [r.state, r.n]));
}

void test('429 storm with Retry-After pauses everyone, then every case completes', async () => {
  sim.reset();
  sim.setConfig({ rateLimit: { perSecond: 6, burst: 2 }, retryAfterHeader: true });
  const { engine, log } = await runBatch({ rps: 30, burst: 10, concurrency: 6 });
  sim.setConfig({ rateLimit: null });
  assert.deepEqual(caseStates(engine), { done: files.length });
  const limited = log.filter((e) => e.status === 429);
  assert.ok(limited.length > 0, 'the storm happened');
  // After each 429 (Retry-After ≥ 1 s) nothing new starts for most of that second: the whole queue paused.
  for (const e of limited) {
    const during = log.filter((x) => x.t > e.tEnd + 150 && x.t < e.tEnd + 850 && (x.kind === 'upload' || x.kind === 'poll'));
    assert.equal(during.length, 0, `requests during the pause after a 429 at ${e.tEnd}`);
  }
  for (const [, n] of createdPerHash()) assert.equal(n, 1);
  const rl = engine.ctx.db.prepare(`SELECT COUNT(*) AS n FROM api_requests WHERE outcome = 'rate-limited'`).get() as { n: number };
  assert.equal(rl.n, limited.length, 'every 429 recorded');
  await engine.stop();
});

void test('10% 5xx, resets and stalls longer than the client timeout: all cases done, no duplicate documents', async () => {
  sim.reset();
  const rates = { http500: 0.05, http502: 0.03, http503: 0.02, reset: 0.05, stall: 0.05, lostResponse: 0 };
  sim.setConfig({ faults: { upload: rates, poll: rates, stallMs: 2500 } });
  const { engine, log } = await runBatch({ requestTimeoutMs: 1000, maxAttempts: 20, rps: 30, concurrency: 6 });
  sim.setConfig({ faults: { upload: { http500: 0, http502: 0, http503: 0, reset: 0, stall: 0, lostResponse: 0 }, poll: { http500: 0, http502: 0, http503: 0, reset: 0, stall: 0, lostResponse: 0 } } });
  assert.ok(log.some((e) => e.fault !== null), 'faults were injected');
  assert.deepEqual(caseStates(engine), { done: files.length });
  // A stalled upload still creates a document server-side; we time out and retry. The sim counts that as a
  // created document, so "no duplicates" is asserted on uploads that were answered 200 to us.
  const answered = new Map<string, number>();
  for (const e of log) if (e.kind === 'upload' && e.status === 200 && e.fault === null) for (const h of e.imageHashes) answered.set(h, (answered.get(h) ?? 0) + 1);
  for (const [, n] of answered) assert.equal(n, 1);
  const billable = (engine.ctx.db.prepare('SELECT COUNT(*) AS n FROM api_requests WHERE billable = 1').get() as { n: number }).n;
  assert.equal(billable, files.length);
  await engine.stop();
});

void test('a result later than the deadline: overdue, polled slowly, then completed; never re-submitted', async () => {
  sim.reset();
  sim.setConfig({ delay: { kind: 'fixed', ms: 450_000 }, timeScale: 0.02 }); // ≥ 7 s, deadline 5 s
  const dir = tempDir();
  dirs.push(dir);
  const engine = await startEngine(dir, sim.url, { pollDeadlineMs: 5_000, pollFirstDelayMs: 200, pollMaxIntervalMs: 1000 });
  const id = seedCase(engine, 'slow', [{ file: files[0]!.path, type: files[0]!.type }]);
  const db = engine.ctx.db;
  let sawOverdue = false;
  const done = engine.queue.idle();
  const watch = setInterval(() => {
    const r = db.prepare('SELECT c.overdue, d.status_reason FROM cases c JOIN documents d ON d.case_id = c.id WHERE c.id = ?').get(id) as { overdue: number; status_reason: string | null };
    if (r.overdue === 1 && r.status_reason === OVERDUE_REASON) sawOverdue = true;
  }, 50);
  await done;
  clearInterval(watch);
  sim.setConfig({ delay: { kind: 'lognormal', medianMs: 5_000, p95Ms: 30_000, maxMs: 150_000 } });
  assert.ok(sawOverdue, 'case was marked overdue with the Russian reason');
  assert.equal((db.prepare('SELECT state FROM cases WHERE id = ?').get(id) as { state: string }).state, 'done');
  assert.equal(sim.log().filter((e) => e.kind === 'upload').length, 1);
  await engine.stop();
});
