// Fault injection against the real simulator: 429 storms, 10% 5xx, resets, 30 s stalls and results that take
// 2.5 minutes → every case completes, no content is ever CREATED twice on the server, and no 1 s window of the
// server's log holds more requests than the budget (strictly: checkBudget excuses nothing). Then the honest edges: an
// upload that got no answer is 'uncertain' and never resent; a reset after the server created the document is
// retried and bills one extra (the residual risk of [Note: which upload failures may be retried]); after a 429 the
// rate ramps up gradually.
// Everything runs on one virtual clock shared by the engine and the simulator (test/helpers/virtual-time.ts): the
// stalls and slow results cost no real time, and every window asserted below is exact virtual time, so the
// outcome does not depend on how busy the machine is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type Simulator, type SimLogEntry } from '../../main/engine/sim/server.ts';
import { generateSamples, type GeneratedFile } from '../../main/engine/samples/index.ts';
import { NO_RESPONSE_MESSAGE, OVERDUE_REASON } from '../../main/engine/queue/index.ts';
import { checkBudget, every, rmrf, seedCase, stopAllEngines, startEngine, startVirtualEngine, tempDir } from './queue-fixtures.ts';
import type { Engine } from '../../main/engine/app.ts';
import { createVirtualTime } from '../helpers/virtual-time.ts';
import { realTurn } from '../helpers/manual-clock.ts';

let sim: Simulator;
let files: GeneratedFile[];
const dirs: string[] = [];
const NO_FAULTS = { http500: 0, http502: 0, http503: 0, reset: 0, stall: 0, lostResponse: 0 };
const vt = createVirtualTime(() => sim.waiting());
/** What every test starts from (a test's own setConfig never leaks into the next one). */
const BASE = {
  timeScale: 0.02, seed: 11, delay: { kind: 'fixed', ms: 0 }, rateLimit: null, retryAfterHeader: true, uploadLatencyMs: [0, 0], pollLatencyMs: [0, 0],
  faults: { upload: NO_FAULTS, poll: NO_FAULTS, stallMs: 30_000 },
} as const;

before(async () => {
  sim = await startSimulator({ clock: vt.clock, config: { timeScale: 0.02, seed: 11 } });
  const d = tempDir('scandesk-samples-');
  dirs.push(d);
  ({ files } = await generateSamples({ dir: d, count: 12, layout: 'folders', seed: 5, include: { selfie: false, inn: false } }));
});
after(async () => {
  await stopAllEngines();
  await sim.close();
  for (const d of dirs) rmrf(d);
});

function fresh(): void {
  sim.onRequest(null);
  sim.reset();
  sim.setConfig({ ...BASE, uploadLatencyMs: [0, 0], pollLatencyMs: [0, 0] });
}

function caseStates(engine: Engine): Record<string, number> {
  return Object.fromEntries((engine.ctx.db.prepare('SELECT state, COUNT(*) AS n FROM cases GROUP BY state').all() as { state: string; n: number }[]).map((r) => [r.state, r.n]));
}

const clientStarts = (engine: Engine) => (engine.ctx.db.prepare('SELECT at FROM api_requests').all() as { at: number }[]).map((r) => r.at);
const apiCalls = (log: SimLogEntry[]) => log.filter((e) => e.kind === 'upload' || e.kind === 'poll');

void test('429 storm + 10% 5xx + resets + 30 s stalls + 2.5-minute results: all done, nothing created twice, budget kept', async (t) => {
  // Time scale 0.03: a 150 s result takes 4.5 s, and the client's deadline is scaled the same way (180 s → 5.4 s).
  // Stalls are NOT scaled: the simulator holds those uploads 30 s; the client's upload timeout (40 s) is above that,
  // so they are answered and nothing becomes ambiguous.
  fresh();
  const dir = tempDir();
  dirs.push(dir);
  const rps = 10;
  const burst = 5;
  const fivexx = { http500: 0.04, http502: 0.03, http503: 0.03, reset: 0.05 }; // 10% 5xx, 5% resets
  sim.setConfig({
    timeScale: 0.03,
    seed: 21,
    delay: { kind: 'fixed', ms: 150_000 },
    // Well below our 10 rps / burst 5: our first burst alone overflows it, so the storm of 429s (with Retry-After)
    // surely happens.
    rateLimit: { perSecond: 5, burst: 3 },
    retryAfterHeader: true,
    // Every upload stalls until a handful did (then the director below turns upload stalls off).
    faults: { upload: { ...fivexx, stall: 1, lostResponse: 0 }, poll: { ...fivexx, stall: 0.01, lostResponse: 0 }, stallMs: 30_000 },
  });
  const engine = await startVirtualEngine(vt, dir, sim.url, {
    rps, burst, concurrency: 8, maxAttempts: 20,
    uploadTimeoutMs: 40_000, requestTimeoutMs: 5_000,
    pollFirstDelayMs: 1200, pollMaxIntervalMs: 1800, pollDeadlineMs: 5_400,
  });
  const stopDirector = every(vt.clock, 150, () => {
    const stalled = sim.log().filter((e) => e.kind === 'upload' && e.fault === 'stall').length;
    if (stalled >= 3) sim.setConfig({ faults: { upload: { stall: 0 } } });
  });
  for (const f of files) seedCase(engine, f.path, [{ file: f.path, type: f.type }]);
  await vt.run(engine.queue.idle());
  stopDirector();
  const log = apiCalls(sim.log());
  const created = sim.documents();

  assert.deepEqual(caseStates(engine), { done: files.length }, 'every case completes');
  const stalls = log.filter((e) => e.kind === 'upload' && e.fault === 'stall');
  assert.ok(stalls.length >= 3 && stalls.length <= 8, `a handful of 30 s stalls: ${stalls.length}`);
  for (const e of stalls) assert.ok(e.tEnd - e.t >= 29_900 && e.status === 200, 'stalled uploads were waited for and answered');
  assert.ok(log.some((e) => e.status === 429), 'the 429 storm happened');
  assert.ok(log.some((e) => e.fault?.startsWith('http5')), '5xx were injected');
  assert.ok(log.some((e) => e.fault === 'reset'), 'resets were injected');
  // Money: every content created exactly once on the SERVER (not only "answered 200 once").
  const perHash = new Map<string, number>();
  for (const d of created) for (const h of d.imageHashes) perHash.set(h, (perHash.get(h) ?? 0) + 1);
  assert.equal(perHash.size, files.length);
  for (const [h, n] of perHash) assert.equal(n, 1, `content ${h.slice(0, 8)} created ${n} times`);
  const billed = engine.ctx.db.prepare('SELECT COALESCE(SUM(billable), 0) AS n FROM api_requests').get() as { n: number };
  assert.equal(billed.n, files.length);
  // The budget, on the server's log, over every request that reached it (429s, faults and stalls included).
  const budget = checkBudget(log.map((e) => e.t), clientStarts(engine), rps, burst);
  t.diagnostic(`budget: server peak ${budget.serverPeak}/s, client peak ${budget.clientPeak}/s, arrival lateness median ${budget.lateness.median} ms, max ${budget.lateness.max} ms`);
  assert.deepEqual(budget.problems, []);
  // After each 429 (Retry-After ≥ 1 s) nothing new starts for most of that second: the whole queue paused.
  for (const e of log.filter((x) => x.status === 429)) {
    const during = log.filter((x) => x.t > e.tEnd + 150 && x.t < e.tEnd + 850);
    assert.equal(during.length, 0, `requests during the pause after a 429 at ${e.tEnd}`);
  }
  await engine.stop();
});

void test('an upload sent without an answer (timeout) becomes uncertain and is never resent — the server did bill it', async () => {
  // The engine on real time (the client's upload timeout is a real 1 s), the simulator on the virtual clock: it holds
  // both uploads until the test moves its time past the stall, long after the client gave up.
  fresh();
  sim.setConfig({ delay: { kind: 'fixed', ms: 0 }, faults: { upload: { ...NO_FAULTS, stall: 1 }, poll: NO_FAULTS, stallMs: 2_500 } });
  const dir = tempDir();
  dirs.push(dir);
  const engine = await startEngine(dir, sim.url, { uploadTimeoutMs: 1_000, requestTimeoutMs: 5_000, maxAttempts: 10 });
  try {
    const ids = files.slice(0, 2).map((f) => seedCase(engine, f.path, [{ file: f.path, type: f.type }]));
    await engine.queue.idle();
    sim.setConfig({ faults: { upload: NO_FAULTS } });
    assert.equal(sim.documents().length, 0, 'held by the stall: nothing created yet');
    await vt.clock.advance(2_500); // past the stall: the server finishes the abandoned uploads
    for (let i = 0; sim.documents().length < 2 && i < 10_000; i++) await realTurn();
    const db = engine.ctx.db;
    for (const id of ids) {
      assert.equal((db.prepare('SELECT state FROM cases WHERE id = ?').get(id) as { state: string }).state, 'uncertain');
      const d = db.prepare('SELECT status, status_reason FROM documents WHERE case_id = ?').get(id) as { status: string; status_reason: string };
      assert.deepEqual(d, { status: 'uncertain', status_reason: NO_RESPONSE_MESSAGE });
    }
    assert.match(NO_RESPONSE_MESSAGE, /возможно, документ уже оплачен/);
    assert.equal(sim.log().filter((e) => e.kind === 'upload').length, 2, 'not resent');
    assert.equal(sim.documents().length, 2, 'yet the server created (and billed) both: resending would pay twice');
    const st = (await engine.request('queue:state', {}));
    assert.deepEqual([st.cost.uncertainCases, st.cost.totalDocuments], [2, 0]);
  } finally {
    await engine.stop();
  }
});

void test('resets are retried; a reset AFTER the document was created (lostResponse) bills one extra — shown, not hidden', async () => {
  fresh();
  // Phases, so both kinds surely happen: every upload loses its response until one did, then every upload is
  // reset until one was, then no faults. The switch happens as the server answers, not on a timer.
  sim.setConfig({ delay: { kind: 'fixed', ms: 0 }, faults: { upload: { ...NO_FAULTS, lostResponse: 1 }, poll: NO_FAULTS } });
  const dir = tempDir();
  dirs.push(dir);
  const engine = await startVirtualEngine(vt, dir, sim.url, { concurrency: 2, maxAttempts: 20 });
  let phase = 0;
  sim.onRequest((e) => {
    if (phase === 0 && e.fault === 'lost-response') {
      phase = 1;
      sim.setConfig({ faults: { upload: { ...NO_FAULTS, reset: 1 } } });
    } else if (phase === 1 && e.fault === 'reset') {
      phase = 2;
      sim.setConfig({ faults: { upload: NO_FAULTS } });
    }
  });
  try {
    const batch = files.slice(0, 5);
    for (const f of batch) seedCase(engine, f.path, [{ file: f.path, type: f.type }]);
    await vt.run(engine.queue.idle());
    assert.deepEqual(caseStates(engine), { done: batch.length });
    const uploads = sim.log().filter((e) => e.kind === 'upload');
    const resets = uploads.filter((e) => e.fault === 'reset');
    const lost = uploads.filter((e) => e.fault === 'lost-response');
    assert.ok(resets.length > 0 && lost.length > 0, `both kinds happened: ${resets.length} resets, ${lost.length} lost`);
    for (const e of resets) assert.equal(e.documentId, null, 'a gateway reset creates nothing');
    // Per content: one document for the answered upload plus one per lost response — the accepted residual risk.
    const created = new Map<string, number>();
    for (const d of sim.documents()) for (const h of d.imageHashes) created.set(h, (created.get(h) ?? 0) + 1);
    for (const [h, n] of created) assert.equal(n, 1 + lost.filter((e) => e.imageHashes.includes(h)).length, `content ${h.slice(0, 8)}`);
    assert.equal(sim.documents().length, batch.length + lost.length);
    // Our meter counts what was answered (one per case); the extra is on the provider's side only.
    const billed = engine.ctx.db.prepare('SELECT COALESCE(SUM(billable), 0) AS n FROM api_requests').get() as { n: number };
    assert.equal(billed.n, batch.length);
  } finally {
    sim.onRequest(null);
    await engine.stop();
  }
});

void test('after a 429 pause the rate ramps back gradually (¼ → ½ → full), measured on the simulator log', async (t) => {
  fresh();
  const dir = tempDir();
  dirs.push(dir);
  const rps = 16;
  const burst = 8;
  // Server bucket: 8 at once, then 1/s → the client's first burst gets a 429 (Retry-After: 1); the limit is
  // lifted as the first 429 is answered, so what follows is the client's own ramp.
  sim.setConfig({ delay: { kind: 'fixed', ms: 0 }, rateLimit: { perSecond: 1, burst: 8 }, retryAfterHeader: true });
  sim.onRequest((e) => {
    if (e.status === 429) sim.setConfig({ rateLimit: null });
  });
  const engine = await startVirtualEngine(vt, dir, sim.url, { rps, burst, concurrency: 16, pollFirstDelayMs: 100, pollMaxIntervalMs: 500 });
  try {
    for (let round = 0; round < 3; round++) for (const f of files) seedCase(engine, `${f.path}#${round}`, [{ file: f.path, type: f.type }]);
    await vt.run(engine.queue.idle());
    const log = apiCalls(sim.log());
    const first429 = log.find((e) => e.status === 429);
    assert.ok(first429, 'a 429 happened');
    // The first burst's tail all got 429 before its answers were back; nothing after it did (the limit was lifted).
    const limited = log.filter((e) => e.status === 429);
    const last429 = limited[limited.length - 1]!;
    // Order, not a time window: every 429 arrived before the first one was answered (the burst already in flight).
    const late = limited.filter((e) => e.t > first429.tEnd);
    assert.deepEqual(late.map((e) => e.seq), [], '429s only in the first burst');
    assert.ok(limited.length <= log.filter((e) => e.t <= first429.tEnd).length);
    const pauseEnd = last429.tEnd + 1000; // Retry-After: 1, counted from the last 429
    const inRange = (a: number, b: number) => log.filter((e) => e.t >= pauseEnd + a && e.t < pauseEnd + b).length;
    const [q1, q2, q3] = [inRange(0, 2000), inRange(2000, 4000), inRange(4000, 6000)];
    assert.equal(log.filter((e) => e.t > last429.tEnd + 100 && e.t < pauseEnd - 50).length, 0, 'paused for Retry-After');
    // ¼ rate (4/s) for 2 s, ½ (8/s) for 2 s, then full (16/s). The old one-step return (½ rate at once) gives q1 ≈ 16.
    assert.ok(q1 >= 4 && q1 <= 10, `first 2 s after the pause: ${q1} requests (¼ rate ≈ 8)`);
    assert.ok(q2 > q1 && q2 <= 18, `next 2 s: ${q2} (½ rate ≈ 16)`);
    assert.ok(q3 > q2, `then full rate: ${q3} (≈ 32)`);
    const budget = checkBudget(log.map((e) => e.t), clientStarts(engine), rps, burst);
    t.diagnostic(`budget: server peak ${budget.serverPeak}/s, client peak ${budget.clientPeak}/s, arrival lateness median ${budget.lateness.median} ms, max ${budget.lateness.max} ms`);
    assert.deepEqual(budget.problems, []);
  } finally {
    sim.onRequest(null);
    await engine.stop();
  }
});

void test('a result later than the deadline: overdue, polled slowly, then completed; never re-submitted', async () => {
  fresh();
  sim.setConfig({ delay: { kind: 'fixed', ms: 450_000 }, timeScale: 0.02 }); // ≥ 7 s, deadline 5 s
  const dir = tempDir();
  dirs.push(dir);
  const engine = await startVirtualEngine(vt, dir, sim.url, { pollDeadlineMs: 5_000, pollFirstDelayMs: 200, pollMaxIntervalMs: 1000 });
  const id = seedCase(engine, 'slow', [{ file: files[0]!.path, type: files[0]!.type }]);
  const db = engine.ctx.db;
  let sawOverdue = false;
  const stopWatch = every(vt.clock, 50, () => {
    const r = db.prepare('SELECT c.overdue, d.status_reason FROM cases c JOIN documents d ON d.case_id = c.id WHERE c.id = ?').get(id) as { overdue: number; status_reason: string | null };
    if (r.overdue === 1 && r.status_reason === OVERDUE_REASON) sawOverdue = true;
  });
  await vt.run(engine.queue.idle());
  stopWatch();
  assert.ok(sawOverdue, 'case was marked overdue with the Russian reason');
  assert.equal((db.prepare('SELECT state FROM cases WHERE id = ?').get(id) as { state: string }).state, 'done');
  assert.equal(sim.log().filter((e) => e.kind === 'upload').length, 1);
  await engine.stop();
});
